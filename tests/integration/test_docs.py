"""Every configuration parameter the programs know is documented in docs/configuration.md,
with the default `mailroom config -d` reports."""

import os
import re
import subprocess
import unittest

from mailroom_harness import program

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "configuration.md")


class ConfigurationDocs(unittest.TestCase):
    def test_every_parameter_is_documented(self):
        defaults = subprocess.run([program("mailroom"), "config", "-d"], capture_output=True, check=True).stdout.decode()
        with open(DOCS) as f:
            text = f.read()
        rows = set(re.findall(r"^\| `([a-z0-9_]+)`[^|]*\|", text, re.M))
        missing = []
        for line in defaults.splitlines():
            name = line.partition(" = ")[0]
            if name not in rows:
                missing.append(name)
        self.assertEqual(missing, [], "parameters missing from docs/configuration.md")

    def test_documented_parameters_exist(self):
        defaults = subprocess.run([program("mailroom"), "config", "-d"], capture_output=True, check=True).stdout.decode()
        known = {line.partition(" = ")[0] for line in defaults.splitlines()}
        with open(DOCS) as f:
            documented = re.findall(r"^\| `([a-z0-9_]+)`[^|]*\|", f.read(), re.M)
        self.assertEqual([n for n in documented if n not in known], [], "documented but unknown parameters")


if __name__ == "__main__":
    unittest.main()
