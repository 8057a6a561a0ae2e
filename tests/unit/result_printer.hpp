// tests/unit/result_printer.hpp - lets doctest print a mailstore Result in CHECK(result):
// "ok", or the error's text.
#pragma once
#include "mailstore/errors.hpp"

#include <doctest/doctest.h>

namespace doctest {

template <class T>
struct StringMaker<boost::system::result<T, mailroom::mailstore::Error>> {
    static String convert(const boost::system::result<T, mailroom::mailstore::Error>& result)
    {
        return result.has_value() ? String("ok") : String(("error: " + result.error().text).c_str());
    }
};

}  // namespace doctest
