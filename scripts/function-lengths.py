#!/usr/bin/env python3
"""Lists the C++ functions of 80 lines or more (from the line of the signature to the closing brace).

    scripts/function-lengths.py [--min N] [PATH ...]     PATHs: files or folders (default: src)

Prints "LINES  FILE:LINE  NAME", longest first. A reading of the text, not a compiler: comments,
string and character literals and preprocessor lines are blanked first, then every brace at
namespace or class level whose header ends like a signature ("...) const {", "...) : a_(x) {")
opens a function. Exit status 0 (also when something is listed).
"""

import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".cc", ".h", ".hpp")


def blank(text):
    """The text with comments, literals and preprocessor lines replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":  # a preprocessor line, with its continuations
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "/" and text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^()\\ ]{0,16})\(', text[i:i + 24]) if c in "uULR" else None
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + raw.end())
            end = n if end < 0 else end + len(close)
            out.append('"' + re.sub(r"[^\n]", " ", text[i + 1:end - 1]) + '"')
            i = end
            continue
        if c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator: 1'000
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            end = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:end - 1]) + c)
            i = end
            continue
        out.append(c)
        at_line_start = c == "\n" or (at_line_start and c in " \t")
        i += 1
    return "".join(out)


SIGNATURE_END = re.compile(r"\)\s*(?:const|noexcept(?:\s*\([^()]*\))?|override|final|mutable|&&?|\s)*"
                           r"(?:->\s*[\w:<>,\s*&]+)?$")
CONSTRUCTOR_INIT = re.compile(r"\)\s*(?:noexcept\s*)?:[^:]")
ACCESS = re.compile(r"^\s*(?:(?:public|private|protected)\s*:(?!:)\s*)+")


def kind_of(header):
    h = ACCESS.sub("", header).strip()
    if re.search(r"\bnamespace\b", h) or re.match(r'extern\s*"\s*"$', h):
        return "namespace"
    if re.search(r"\benum\b", h):
        return "other"
    if CONSTRUCTOR_INIT.search(h):
        # A constructor's body, or a member initialised with braces (x_{a}): the header goes on.
        return "function" if h.endswith((")", "}")) else "init"
    if SIGNATURE_END.search(h):
        return "function"
    if re.match(r"(?:template\s*<.*?>\s*)?(?:class|struct|union)\b", h, re.S):
        return "class"
    return "other"


def name_of(header):
    h = ACCESS.sub("", header)
    depth, k = 0, 0
    for k, c in enumerate(h):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth <= 0:
            break
    m = re.search(r"((?:[\w~]+\s*::\s*)*(?:operator\s*[^\s(]+|~?\w+))\s*$", h[:k])
    return re.sub(r"\s+", "", m.group(1)) if m else "?"


def functions(path):
    """(first line, last line, name) of every function defined in the file."""
    text = blank(open(path, encoding="utf-8", errors="replace").read())
    found = []
    stack = []  # (kind, header start, name) per open brace
    header_start = 0
    paren = 0
    for i, c in enumerate(text):
        inside = any(k in ("function", "other") for k, _, _ in stack)
        if c in "([":
            paren += 1
        elif c in ")]":
            paren -= 1
        elif c == ";" and not inside and paren <= 0:
            header_start = i + 1
        elif c == "{":
            if inside or paren > 0:
                stack.append(("inner", 0, ""))
                continue
            header = text[header_start:i]
            kind = kind_of(header)
            if kind == "function":
                start = header_start + len(header) - len(header.lstrip())
                stripped = ACCESS.match(text, start)
                if stripped:
                    start = stripped.end()
                stack.append(("function", start, name_of(header)))
            else:
                stack.append((kind, header_start, ""))
            if kind != "init":
                header_start = i + 1
        elif c == "}":
            if not stack:
                continue
            kind, start, name = stack.pop()
            if kind == "function":
                found.append((text.count("\n", 0, start) + 1, text.count("\n", 0, i) + 1, name))
            if kind not in ("inner", "init"):
                header_start = i + 1
    return found


def sources(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(SOURCE_SUFFIXES):
                        yield os.path.join(root, f)
        else:
            yield p


def main():
    ap = argparse.ArgumentParser(description="C++ functions of at least --min lines, longest first.")
    ap.add_argument("--min", type=int, default=80, help="least number of lines listed (default 80)")
    ap.add_argument("paths", nargs="*", default=["src"])
    args = ap.parse_args()
    rows = []
    for path in sources(args.paths):
        for first, last, name in functions(path):
            if last - first + 1 >= args.min:
                rows.append((last - first + 1, path, first, name))
    for lines, path, first, name in sorted(rows, key=lambda r: (-r[0], r[1], r[2])):
        print(f"{lines:5d}  {path}:{first}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
