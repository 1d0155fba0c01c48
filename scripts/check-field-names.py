#!/usr/bin/env python3
"""A record field's name is written once, in `domain/src/schema.rs` (`schema::names`), and
otherwise only in the migrations and tests: fails, naming the lines, when a string literal
equal to a field name appears in the code of domain/, server/ or app/. A line that uses such
a word for something else (a table code, an HTML attribute, a column) says so with a
`// not a record field` comment."""
import os, re, sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
schema = open("domain/src/schema.rs").read()
names = set(re.findall(r'pub const [A-Z_]+: &str = "([a-z_]+)";', schema))
# HTML attributes and routes in the app's views use the same words for other things.
not_fields = re.compile(r'\b(role|type|name|inputmode|autocomplete|class|for|id)="|path!\(|// not a record field')
found = []
for root in ["domain/src", "server/src", "app/src"]:
    for dirpath, _, files in os.walk(root):
        if "/tests" in dirpath or dirpath.endswith("tests"):
            continue
        for file in files:
            path = os.path.join(dirpath, file)
            if not file.endswith(".rs") or file == "tests.rs" or path == "domain/src/schema.rs":
                continue
            source = open(path).read()
            source = source[: source.find("#[cfg(test)]")] if "#[cfg(test)]" in source else source
            for number, line in enumerate(source.split("\n"), 1):
                if line.strip().startswith("//") or not_fields.search(line):
                    continue
                if any(word in names for word in re.findall(r'"([a-z_]+)"', line)):
                    found.append(f"{path}:{number}: {line.strip()}")
if found:
    print("error: field names are written in schema::names only; use the constant:", file=sys.stderr)
    print("\n".join(found), file=sys.stderr)
    sys.exit(1)
print(f"field names: none written outside the schema ({len(names)} names)")
