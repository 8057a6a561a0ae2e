// filters/dry_run.hpp - `mailroom filter test`: runs an rc file over a message read from
// stdin and prints every recipe considered (file:line), each condition's result (and score),
// each action and where the message would go, without delivering anything and without
// running programs unless --run-programs is given (docs/filters.md "Dry run").
#pragma once

namespace mailroom::filters {

// mailroom filter test [--rc FILE] [--site-rc FILE] [-a ARG]... [-f SENDER] [--home DIR]
//                      [--set NAME=VALUE]... [--run-programs] < message
// Returns 0 when the message would be delivered, 73 when it would not, 64 on bad usage.
int filter_test_main(int argc, char** argv);

}  // namespace mailroom::filters
