r"""Regexes written for the Rust engines, translated to the Python ``regex`` module with their meaning.

HF ``tokenizers`` compiles ``Split`` / ``Replace`` patterns with Oniguruma in Ruby syntax
(dialect ``"onig"``); tiktoken and HF's fancy-regex backend use fancy-regex, whose syntax is the
Rust ``regex`` crate's (dialect ``"fancy"``). The same text means different things in the three
engines; :func:`translate` rewrites a pattern so that ``regex`` (in V1 mode, which reads character
class set operations and nested classes as both Rust engines do) matches what the Rust engine
matches. It is the one reader of both dialects: HF's ``Split`` / ``Replace`` patterns go through
:func:`compile_pattern`, tiktoken's (``.tiktoken`` files) through :func:`from_fancy_regex`.

=====================  ===================================  ================================
construct              onig (Ruby syntax)                   fancy (Rust syntax)
=====================  ===================================  ================================
``^`` / ``$``          start / end of any line              start / end of text; lines
                       (``^`` never after a final ``\n``)    under ``(?m)``
``\z`` / ``\Z``        end / end or before a final ``\n``   end / end before trailing ``\n``
``\h`` / ``\H``        hex digit / not                      hex digit / not
``X{n,m}+``            ``(?:X{n,m})+`` (a repeat)            possessive ``{n,m}``
``X{n}?``              ``(?:X{n})?`` (optional)              ``X{n}`` (lazy, same)
``{n,m}`` with n > m   ``{m,n}``                            error
``(?m)``               dot matches newline (Python ``s``)    multi-line anchors
``\w``                 Alphabetic, marks, Nd, Pc, ²³¹¼½¾    Alphabetic, marks, Nd, Pc,
                                                            Join_Control
``\e \cX \x{..} \R``   escape, control, code point,         same (``\R`` too)
``\N \O``              linebreak, non-newline, any
``[a--b]`` ``[a~~b]``  literal ``-`` / ``~``                set difference / symmetric
                                                            difference (left to right)
``(?i)ss`` on ``ß``    matches (full case folding)          no match (simple case folding)
=====================  ===================================  ================================

Oniguruma in HF ``tokenizers`` classifies characters with Unicode 16.0 tables; ``regex`` knows the
characters Unicode 17.0 added, which Oniguruma sees as unassigned. Every onig character property
therefore excludes :data:`UNICODE_17_ADDITIONS` (and ``\p{Cn}`` includes them), so the pieces are
HF's on any text.

Known differences: U+0295 (``ʕ``) is a lowercase letter for Oniguruma, another letter (Lo) for
``regex``; under ``(?i)`` Oniguruma does not case-fold a property inside a bracket class
(outside one, :func:`translate` keeps it case-sensitive as Oniguruma does). The "fancy" reading
is compared with tiktoken's engine (``tests/formats/test_tiktoken_file.py``); its classes use
``regex``'s current Unicode tables.

Matching is bounded: :func:`find_matches` stops a pattern that backtracks catastrophically with an
:class:`~tokensmith.errors.InputError` naming the pattern, instead of hanging.
"""

from __future__ import annotations

import time
from functools import lru_cache

import regex

from ..errors import InputError, OptionError
from ..unicode_versions import UNICODE_17_ADDITIONS, class_body, has_unicode_17

DIALECTS = ("onig", "fancy")

_LATE = f"[{class_body(UNICODE_17_ADDITIONS)}]"
_HEX = "0-9a-fA-F"
# Oniguruma's \w: Alphabetic, marks, decimal digits, connector punctuation and four Latin-1
# numbers (superscripts and fractions); not the joiners Unicode's word definition adds.
_ONIG_WORD = r"\p{Alpha}\p{M}\p{Nd}\p{Pc}\xB2\xB3\xB9\xBC-\xBE"
# Where Oniguruma's POSIX brackets and properties differ from ``regex``'s same-named ones: its
# [:digit:] and [:alnum:] are Unicode, its [:punct:] also holds the circled and squared Latin
# letters, its \p{Word} is its \w.
_ONIG_POSIX = {"digit": r"\p{Nd}", "alnum": r"\p{Alnum}", "word": r"\p{Alpha}\p{M}\p{Nd}\p{Pc}",
               "punct": (r"[[:punct:]]\u24B6-\u24E9\U0001F130-\U0001F149\U0001F150-\U0001F169"
                         r"\U0001F170-\U0001F189")}
_ONIG_PROPERTIES = {"word": _ONIG_WORD}
# Properties that contain unassigned code points, so they grow by Unicode 17's additions.
_WITH_UNASSIGNED = {"c", "other", "cn", "unassigned", "any"}
_QUANT_START = "*+?{"
# Escapes that mean one character, identical in both engines and in ``regex``.
_SIMPLE_ESCAPES = {"t": r"\t", "n": r"\n", "r": r"\r", "f": r"\f", "v": r"\x0b", "a": r"\x07",
                   "e": r"\x1b"}


class _Parser:
    """One pass over a pattern; emits the ``regex`` V1 equivalent."""

    def __init__(self, pattern: str, dialect: str, exact: bool = True):
        self.p, self.i, self.dialect = pattern, 0, dialect
        self.onig = dialect == "onig"
        # exact=False leaves Unicode 17's additions in the classes: the same matches on any
        # text without them, and faster (set differences slow ``regex`` down).
        self.exact = exact
        self.set_operators = ("&&",) if self.onig else ("&&", "--", "~~")

    # -- helpers ----------------------------------------------------------------------------
    def error(self, message: str):
        raise OptionError(f"invalid {self.dialect} regex {self.p!r}: {message} at position {self.i}")

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def startswith(self, s: str) -> bool:
        return self.p.startswith(s, self.i)

    def prop(self, negated: bool, name: str) -> str:
        """``\\p{name}`` / ``\\P{name}`` as the engine's tables define it."""
        body = name[1:] if name.startswith("^") else name
        negated ^= name.startswith("^")
        if not self.onig:
            return ("\\P{" if negated else "\\p{") + body + "}"
        key = body.lower().replace("_", "").replace(" ", "").replace("-", "")
        if key in _ONIG_PROPERTIES:
            return self.onig_set(_ONIG_PROPERTIES[key], negated)
        if not self.exact:
            return ("\\P{" if negated else "\\p{") + body + "}"
        if key in _WITH_UNASSIGNED:
            positive = rf"[\p{{{body}}}{_LATE}]"
        else:
            positive = rf"[\p{{{body}}}--{_LATE}]"
        return f"[^{positive}]" if negated else positive

    def onig_set(self, body: str, negated: bool) -> str:
        if not self.exact:
            return f"[{'^' if negated else ''}{body}]"
        positive = f"[[{body}]--{_LATE}]"
        return f"[^{positive}]" if negated else positive

    # -- escapes ----------------------------------------------------------------------------
    def read_braced(self) -> str:
        end = self.p.find("}", self.i)
        if end < 0:
            self.error("unterminated {")
        text = self.p[self.i + 1:end]
        self.i = end + 1
        return text

    def code_point_escape(self, c: str) -> int | None:
        """After ``\\`` and ``c`` (consumed): a code point for \\x, \\u, \\c, octal; else None."""
        if c == "x":
            if self.peek() == "{":
                digits = self.read_braced()
            else:
                digits = ""
                while len(digits) < 2 and self.peek() and self.peek() in "0123456789abcdefABCDEF":
                    digits += self.peek()
                    self.i += 1
                if not digits and self.onig:
                    return ord("x")
            try:
                return int(digits, 16)
            except ValueError:
                self.error("bad \\x escape")
        if c == "u" and self.onig or c == "u" and self.peek() != "{":
            digits = self.p[self.i:self.i + 4]
            if len(digits) != 4 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                self.error("bad \\u escape")
            self.i += 4
            return int(digits, 16)
        if c == "u":
            return int(self.read_braced(), 16)
        if c == "c":
            ctrl = self.peek()
            if not ctrl:
                self.error("bad \\c escape")
            self.i += 1
            return ord(ctrl) & 0x1F
        if c == "0":
            digits = ""
            while len(digits) < 2 and self.peek() and self.peek() in "01234567":
                digits += self.peek()
                self.i += 1
            return int(digits or "0", 8)
        if c == "o" and self.peek() == "{":
            return int(self.read_braced(), 8)
        return None

    def class_escape(self) -> tuple[str, int | None]:
        """Inside ``[...]``, after ``\\``: (text, code point if it is a single character)."""
        c = self.peek()
        self.i += 1
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c], _escape_code(c)
        cp = self.code_point_escape(c)
        if cp is not None:
            return _char(cp), cp
        if c == "b":
            return r"\x08", 8
        return self.set_escape(c) or (_char(ord(c)), ord(c))

    def set_escape(self, c: str):
        """The class escapes (\\w \\d \\s \\h \\p{..}), or None if ``c`` is not one."""
        if c in "hH":
            if self.onig:
                return (self.onig_set(_HEX, c == "H"), None)
            return (f"[{'^' if c == 'H' else ''}{_HEX}]", None)
        if c in "wW":
            if self.onig:
                return (self.onig_set(_ONIG_WORD, c == "W"), None)
            return (rf"[{'^' if c == 'W' else ''}\p{{Alpha}}\p{{M}}\p{{Nd}}\p{{Pc}}\p{{Join_Control}}]",
                    None)
        if c in "dDsS":
            if self.onig:
                return (self.onig_set(r"\d" if c in "dD" else r"\s", c.isupper()), None)
            return ("\\" + c, None)
        if c in "pP":
            if self.peek() == "{":
                name = self.read_braced()
            elif self.onig:  # Ruby has no one-letter \pL form: a literal p
                return None
            else:
                name = self.peek()
                self.i += 1
            return (self.prop(c == "P", name), None)
        return None

    # -- character classes ------------------------------------------------------------------
    def char_class(self) -> str:
        """At ``[``: the class, with literal punctuation escaped (V1 would read ``||``, ``--``,
        ``~~`` as operators). The engine's set operators (Ruby's ``&&``; Rust's ``&&``, ``--``,
        ``~~``) join operands that are written out as nested classes, so that Rust's
        left-to-right evaluation survives V1's different precedence."""
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        operands: list[list[str]] = [[]]
        operators: list[str] = []
        first = True
        while True:
            c = self.peek()
            if not c:
                self.error("unterminated character class")
            if c == "]" and not first:
                self.i += 1
                break
            if first and c == "-" and not self.onig:  # Rust: a leading - is a lone literal
                self.i += 1
                operands[-1].append(_char(ord("-")))
                first = False
                continue
            first = False
            operator = next((op for op in self.set_operators if self.startswith(op)), None)
            if operator is not None:
                operators.append(operator)
                operands.append([])
                self.i += 2
                continue
            if self.startswith("[:") and (end := self.p.find(":]", self.i + 2)) > 0 \
                    and regex.fullmatch(r"\^?[a-z]+", self.p[self.i + 2:end]):
                name = self.p[self.i + 2:end]
                self.i = end + 2
                negated_posix = name.startswith("^")
                posix = f"[[:{name.lstrip('^')}:]]"
                if self.onig and name.lstrip("^") in _ONIG_POSIX:
                    posix = _ONIG_POSIX[name.lstrip("^")]
                operands[-1].append(self.onig_set(posix, negated_posix) if self.onig
                                    else f"[{'^' if negated_posix else ''}{posix[1:-1]}]")
                continue
            if c == "[":
                operands[-1].append(self.char_class())
                continue
            # a single character, maybe the start of a range
            text, cp = self.class_atom()
            if cp is not None and self.peek() == "-" and self.peek(1) not in ("]", "") \
                    and not self.startswith("-[") and not self.startswith(self.set_operators):
                save = self.i
                self.i += 1
                hi_text, hi = self.class_atom()
                if hi is None:
                    self.i = save
                    operands[-1].append(text)
                    continue
                if hi < cp:
                    self.error("empty range in character class")
                operands[-1].append(f"{text}-{hi_text}")
                continue
            operands[-1].append(text)
        caret = "^" if negated else ""
        if not operators:
            return f"[{caret}{''.join(operands[0])}]"
        combined = _operand(operands[0])
        for operator, operand in zip(operators, operands[1:]):
            combined = f"[{combined}{operator}{_operand(operand)}]"
        return f"[{caret}{combined}]" if negated else combined

    def class_atom(self) -> tuple[str, int | None]:
        c = self.peek()
        self.i += 1
        if c == "\\":
            return self.class_escape()
        return _char(ord(c)), ord(c)

    # -- top level --------------------------------------------------------------------------
    def parse(self) -> str:
        out = self.sequence(extended=False, multiline=False, depth=0)
        if self.i < len(self.p):
            self.error("unbalanced )")
        return out

    def sequence(self, extended: bool, multiline: bool, depth: int) -> str:
        """Alternatives up to the closing ``)`` of this group (not consumed)."""
        atoms: list[str] = []
        # kind of the last atom's quantifier: None, "simple" (*+?), "range" ({n,m}), "done"
        last_quant: str | None = None
        while self.i < len(self.p):
            c = self.peek()
            if c == ")":
                if depth == 0:
                    self.error("unbalanced )")
                break
            if extended and c.isspace():
                self.i += 1
                continue
            if extended and c == "#":
                end = self.p.find("\n", self.i)
                self.i = len(self.p) if end < 0 else end + 1
                continue
            if c in _QUANT_START and atoms and atoms[-1] != "|":
                quant = self.quantifier()
                if quant is None:  # a "{" that is no interval: a literal
                    atoms.append(r"\{")
                    self.i += 1
                    last_quant = None
                    continue
                text, kind = quant
                if last_quant is not None:
                    modifier = text in ("?", "+") and (
                        last_quant == "simple" or last_quant == "range" and text == "?"
                        or not self.onig and last_quant in ("range", "fixed"))
                    if modifier:
                        atoms[-1] += text
                        last_quant = "done"
                        continue
                    atoms[-1] = f"(?:{atoms[-1]})"
                atoms[-1] += text
                last_quant = kind
                continue
            last_quant = None
            if c == "|":
                atoms.append("|")
                self.i += 1
            elif c == "(":
                group = self.group(extended, multiline, depth)
                if isinstance(group, tuple):  # an inline flag group changes the rest
                    extended, multiline = group[1], group[2]
                    if self.onig:
                        # Ruby scopes it over the rest of the group, alternatives included:
                        # a(?i)b|c is a(?i:b|c).
                        rest = self.sequence(extended, multiline, depth)
                        atoms.append(f"(?{group[0][2:-1]}:{rest})" if group[0] else f"(?:{rest})")
                        break
                    if group[0]:
                        atoms.append(group[0])
                elif group:
                    atoms.append(group)
            elif c == "[":
                atoms.append(self.char_class())
            elif c == "\\":
                self.i += 1
                atoms.append(self.escape())
            elif c == "^":
                self.i += 1
                atoms.append(self.caret(multiline))
            elif c == "$":
                self.i += 1
                atoms.append(self.dollar(multiline))
            elif c == ".":
                self.i += 1
                atoms.append(".")
            else:
                self.i += 1
                atoms.append(_char(ord(c)))
        return "".join(atoms)

    def caret(self, multiline: bool) -> str:
        if self.onig:
            return r"(?:\A|(?<=\n)(?!\Z))"
        return r"(?<![^\n])" if multiline else r"\A"

    def dollar(self, multiline: bool) -> str:
        if self.onig or multiline:
            return r"(?![^\n])"
        return r"\Z"

    def quantifier(self) -> tuple[str, str] | None:
        c = self.peek()
        if c in "*+?":
            self.i += 1
            return c, "simple"
        m = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}").match(self.p, self.i)
        if not m or not (m.group(1) or m.group(3)) or (not m.group(1) and not self.onig):
            return None
        self.i = m.end()
        lo = int(m.group(1) or 0)
        if not m.group(2):
            return f"{{{lo}}}", "fixed"
        hi = m.group(3)
        if hi and int(hi) < lo:
            if not self.onig:
                self.error("repetition minimum exceeds maximum")
            lo, hi = int(hi), str(lo)
        return f"{{{lo},{hi}}}", "range"

    def escape(self) -> str:
        c = self.peek()
        if not c:
            self.error("pattern ends with a backslash")
        self.i += 1
        if c == "A":
            return r"\A"
        if c == "z":
            return r"\Z"
        if c == "Z":
            return r"(?=\n?\Z)" if self.onig else r"(?=\n*\Z)"
        if c in "bBGKX":
            return "\\" + c
        if c == "R":
            return r"(?>\r\n|[\n\x0b\x0c\r\x85\u2028\u2029])"
        if c == "N" and self.peek() != "{":
            return r"[^\n]"
        if c == "O":
            return r"[\s\S]"
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c]
        if c == "k" and self.peek() in "<'":
            close = ">" if self.peek() == "<" else "'"
            end = self.p.find(close, self.i + 1)
            if end < 0:
                self.error("bad \\k reference")
            name = self.p[self.i + 1:end]
            self.i = end + 1
            return f"(?P={_group_name(name)})" if not name.isdigit() else f"\\{name}"
        if c == "g" and self.peek() in "<'":
            close = ">" if self.peek() == "<" else "'"
            end = self.p.find(close, self.i + 1)
            name = self.p[self.i + 1:end]
            self.i = end + 1
            return f"(?{name})" if name.isdigit() else f"(?&{_group_name(name)})"
        if c.isdigit() and c != "0":
            digits = c
            while self.peek().isdigit():
                digits += self.peek()
                self.i += 1
            return f"(?:\\{digits})"
        cp = self.code_point_escape(c)
        if cp is not None:
            return _char(cp)
        found = self.set_escape(c)
        if found is not None:
            # Oniguruma never case-folds a property: (?i)\p{Lu} still wants upper case.
            return f"(?-i:{found[0]})" if self.onig and c in "pP" else found[0]
        if c in "yY":
            self.error(f"text segment boundaries (\\{c}) are not supported")
        if c.isalnum() and not self.onig:
            self.error(f"unknown escape \\{c}")
        return _char(ord(c))  # Ruby reads an unknown escape as the letter itself

    def group(self, extended: bool, multiline: bool, depth: int):
        """At ``(``: the translated group, or (text, extended, multiline) for ``(?flags)``."""
        self.i += 1
        if self.peek() != "?":
            if self.peek() == "*":
                self.error("verbs (*...) are not supported")
            return "(" + self.close(extended, multiline, depth) + ")"
        self.i += 1
        c = self.peek()
        if c == "#":
            end = self.p.find(")", self.i)
            if end < 0:
                self.error("unterminated comment")
            self.i = end + 1
            return ""
        for prefix in (":", "=", "!", "<=", "<!", ">"):
            if self.startswith(prefix):
                self.i += len(prefix)
                return f"(?{prefix}" + self.close(extended, multiline, depth) + ")"
        if c in "<'" or self.startswith("P<"):
            if c == "P":
                self.i += 1
            close = ">" if self.peek() == "<" else "'"
            end = self.p.find(close, self.i + 1)
            if end < 0:
                self.error("bad group name")
            name = self.p[self.i + 1:end]
            self.i = end + 1
            return f"(?P<{_group_name(name)}>" + self.close(extended, multiline, depth) + ")"
        m = regex.compile(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])").match(self.p, self.i)
        if not m:
            self.error("unknown group syntax")
        self.i = m.end()
        on, off, end = m.group(1), m.group(2) or "", m.group(3)
        flags_on, flags_off = [], []
        new_extended, new_multiline = extended, multiline
        for letters, bucket, state in ((on, flags_on, True), (off, flags_off, False)):
            for letter in letters:
                if letter == "x":
                    new_extended = state
                elif letter == "i":
                    bucket.append("i")
                elif self.onig and letter == "m":  # Ruby's m is dot-all
                    bucket.append("s")
                elif not self.onig and letter == "s":
                    bucket.append("s")
                elif not self.onig and letter == "m":
                    new_multiline = state
                elif not self.onig and letter == "u":  # Unicode mode, always on here
                    pass
                else:
                    self.error(f"unsupported flag {letter!r}")
        flag_text = "".join(flags_on) + ("-" + "".join(flags_off) if flags_off else "")
        if end == ")":
            # Applies to the rest of the enclosing group, as in both engines (and V1).
            return (f"(?{flag_text})" if flag_text else "", new_extended, new_multiline)
        body = self.close(new_extended, new_multiline, depth)
        return (f"(?{flag_text}:" if flag_text else "(?:") + body + ")"

    def close(self, extended: bool, multiline: bool, depth: int) -> str:
        body = self.sequence(extended, multiline, depth + 1)
        if self.peek() != ")":
            self.error("missing )")
        self.i += 1
        return body


# A class operand left empty (Rust's ``[a--]``): a set that holds nothing.
_EMPTY_SET = r"[^\x00-\U0010FFFF]"


def _operand(items: list[str]) -> str:
    return f"[{''.join(items)}]" if items else _EMPTY_SET


def _escape_code(c: str) -> int:
    return {"t": 9, "n": 10, "r": 13, "f": 12, "v": 11, "a": 7, "e": 27}[c]


def _group_name(name: str) -> str:
    if not regex.fullmatch(r"\w+", name):
        raise OptionError(f"invalid group name {name!r}")
    return name


def _char(cp: int) -> str:
    """One literal character, written so that no engine mode reads it as syntax."""
    c = chr(cp)
    if c.isalnum() and c.isascii():
        return c
    if cp < 0x80 and c.isprintable() and c != " ":
        return "\\" + c
    return f"\\U{cp:08X}"


# Every translation starts with the flags it is written for: ``regex``'s version 1 (set operations
# and nested classes read as both Rust engines read them), with Oniguruma's full case folding
# (``(?i)ss`` matches ``ß``) or fancy-regex's simple one (it does not), ``-f``.
PREFIX = {"onig": "(?V1)", "fancy": "(?V1-f)"}


def translate(pattern: str, dialect: str) -> str:
    """``pattern`` (in ``dialect``: ``"onig"`` or ``"fancy"``) as a ``regex`` pattern that carries
    its own flags: ``regex.compile(translate(p, d))`` matches what the Rust engine matches."""
    return _translate(pattern, dialect, True)


def from_fancy_regex(pattern: str) -> str:
    r"""A pattern written for fancy-regex (tiktoken's engine), as a ``regex`` pattern with its own
    flags (:func:`translate` in the ``"fancy"`` dialect): ``$`` is the end of the text unless
    ``(?m)`` is on, ``[\p{L}--\p{Lu}]`` a set difference, ``(?i)`` folds case simply, and so on.

    A translation is returned unchanged when translated again: it starts with ``(?V1``, which
    fancy-regex does not read, so no fancy-regex pattern is mistaken for one.
    """
    return pattern if pattern.startswith(PREFIX["fancy"]) else translate(pattern, "fancy")


@lru_cache(maxsize=512)
def _translate(pattern: str, dialect: str, exact: bool) -> str:
    if dialect not in DIALECTS:
        raise OptionError(f"unknown regex dialect {dialect!r} (known: {', '.join(DIALECTS)})")
    return PREFIX[dialect] + _Parser(pattern, dialect, exact).parse()


# compiled exact pattern -> the same without the Unicode 17 exclusions, for texts without them
_WITHOUT_UNICODE_17: dict[regex.Pattern, regex.Pattern] = {}


@lru_cache(maxsize=256)
def compile_pattern(pattern: str, dialect: str) -> regex.Pattern:
    """The compiled ``regex`` equivalent of ``pattern`` in ``dialect``."""
    try:
        compiled = regex.compile(translate(pattern, dialect))
        loose = _translate(pattern, dialect, False)
        if loose != compiled.pattern:
            _WITHOUT_UNICODE_17[compiled] = regex.compile(loose)
    except regex.error as exc:
        raise OptionError(f"invalid {dialect} regex {pattern!r}: {exc}") from None
    return compiled


# Matching time allowed: enough for any sane pattern, a few seconds for a backtracking one.
TIMEOUT_BASE_SECONDS = 2.0
TIMEOUT_PER_CHARACTER = 2e-5


def _timeout(text: str) -> float:
    return TIMEOUT_BASE_SECONDS + TIMEOUT_PER_CHARACTER * len(text)


def find_matches(compiled: regex.Pattern, text: str, source: str | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of every match, iterated as Oniguruma's ``find_iter`` does.

    Both Rust engines skip an empty match that ends where the previous match ended (and go on
    one character later); ``regex`` would report it. Without empty matches the two agree, so
    the fast ``finditer`` result stands unless it holds an empty match.
    """
    loose = _WITHOUT_UNICODE_17.get(compiled)
    if loose is not None and not has_unicode_17(text):
        compiled = loose
    try:
        spans = [m.span() for m in compiled.finditer(text, timeout=_timeout(text))]
        if all(s != e for s, e in spans):
            return spans
        return _find_matches_onig(compiled, text)
    except TimeoutError:
        raise InputError(f"regex {source or compiled.pattern!r} takes too long on a text of "
                         f"{len(text)} characters (catastrophic backtracking)") from None


def _find_matches_onig(compiled: regex.Pattern, text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos, last_end, n = 0, -1, len(text)
    deadline = time.monotonic() + _timeout(text)
    while pos <= n:
        m = compiled.search(text, pos, timeout=max(deadline - time.monotonic(), 0.001))
        if m is None:
            break
        start, end = m.span()
        if start == end and end == last_end:
            pos = end + 1
            continue
        spans.append((start, end))
        pos = last_end = end
    return spans
