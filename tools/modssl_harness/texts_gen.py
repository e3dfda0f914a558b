"""modssl's message texts, compressed for flash: C sources in, a header out.

Every user-facing text of modssl's C is marked at its call site:

    modssl_raise_msg(&mp_type_ValueError, MODSSL_TEXT("session: set it before the handshake"));
    static const char names[] = MODSSL_TEXTS(alert_names, "close_notify\\0" "unexpected_message\\0" ...);

This script finds every such text (adjacent literals joined, C escapes
read), picks a dictionary of up to 128 words -- substrings that start and
end at word boundaries, chosen greedily by the bytes they save, ties broken
by the word itself, so the same sources always give the same header -- and
writes a header (into the build directory, never committed) holding:

- MODSSL_TEXT_WORDS: the words one after another, the last character of
  each with bit 7 set (no separator needed); byte 0x80 + i in a text
  stands for word i (modssl's texts are ASCII, so a byte >= 0x80 never
  occurs in a plain text, and a text the generator did not see decodes to
  itself);
- modssl_text_fold(): an always-inline chain of
  `if (strcmp(s, "original") == 0) return "compressed";` that the compiler
  folds, at each MODSSL_TEXT site, to the compressed literal (the original
  is then in no object);
- MODSSL_TEXTS_<name>: the compressed form of each MODSSL_TEXTS table
  (strings one after another, each NUL-ended);
- MODSSL_TEXT_MAX_LEN: the longest text, spelled out (modssl decodes a
  format into a stack buffer of that size before formatting).

MicroPython's makecompresseddata.py (ROM text compression, a Make-only
feature there) works the same way; this one is modssl's own and covers only
modssl's texts.

Run by the build (modssl/micropython.mk, modssl/micropython.cmake):

    python3 tools/modssl_harness/texts_gen.py OUT.h SOURCE.c...

It rewrites OUT.h only when its content changes (so nothing recompiles
needlessly), and skips the dictionary search when the sources' texts (and this script)
are those OUT.h was made from.  A marker it cannot read (MODSSL_TEXT( not
followed by string literals and `)`) is an error: no text is left plain by
accident.  Standard library only.
"""

import collections
import hashlib
import os
import re
import sys

MAX_WORDS = 128
MAX_WORD_LEN = 40
MIN_WORD_LEN = 2


class TextError(Exception):
    pass


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'", "?": "?", "a": "\a"}


def _unescape(body, where):
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1 :])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2 :])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            raise TextError("%s: unknown escape \\%s" % (where, nxt))
    return "".join(out)


_TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?\*/)"""
    r"""|(?P<str>"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<chr>'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<ws>\s+)"""
    r"""|(?P<other>.)""",
    re.S,
)


def _tokens(src):
    for m in _TOKEN.finditer(src):
        kind = m.lastgroup
        if kind in ("comment", "ws"):
            continue
        yield kind, m.group(kind), src.count("\n", 0, m.start()) + 1


def scan(path):
    """The marked texts of one C source: ([(line, text)], [(line, name, text)])."""
    with open(path, encoding="utf-8") as f:
        src = f.read()
    toks = list(_tokens(src))
    texts, tables = [], []
    name = os.path.basename(path)
    i = 0
    while i < len(toks):
        kind, val, line = toks[i]
        if kind != "id" or val not in ("MODSSL_TEXT", "MODSSL_TEXTS"):
            i += 1
            continue
        where = "%s:%d" % (name, line)
        j = i + 1
        if j >= len(toks) or toks[j][1] != "(":
            i += 1  # the name alone (a #define, #ifndef): not a use
            continue
        j += 1
        table = None
        if val == "MODSSL_TEXTS":
            if toks[j][0] != "id" or toks[j + 1][1] != ",":
                raise TextError("%s: MODSSL_TEXTS(name, \"...\") expected" % where)
            table = toks[j][1]
            j += 2
        parts = []
        while j < len(toks) and toks[j][0] == "str":
            parts.append(_unescape(toks[j][1][1:-1], where))
            j += 1
        if not parts or j >= len(toks) or toks[j][1] != ")":
            raise TextError("%s: %s( must hold string literals only" % (where, val))
        text = "".join(parts)
        if any(ord(c) >= 0x80 or ord(c) < 0x20 and c != "\0" for c in text):
            raise TextError("%s: a text must be printable ASCII: %r" % (where, text))
        if table is None:
            if "\0" in text:
                raise TextError("%s: MODSSL_TEXT with a NUL: use MODSSL_TEXTS" % where)
            texts.append((line, text))
        else:
            if not text.endswith("\0"):
                raise TextError("%s: a MODSSL_TEXTS table ends with \\0" % where)
            tables.append((line, table, text))
        i = j + 1
    return texts, tables


def _boundary(s, i):
    if i == 0 or i == len(s):
        return True
    a, b = s[i - 1], s[i]
    return not (a.isalnum() and b.isalnum())


def pick_words(texts):
    """Greedy, deterministic: the word that saves the most bytes, again and again."""
    cur = sorted(set(texts))
    words = []
    for k in range(MAX_WORDS):
        count = collections.Counter()
        for s in cur:
            starts = [i for i in range(len(s) + 1) if _boundary(s, i)]
            last_end = {}
            for si, a in enumerate(starts):
                if a == len(s) or ord(s[a]) >= 0xE000:
                    continue
                for b in starts[si + 1 :]:
                    if b - a > MAX_WORD_LEN:
                        break
                    if ord(s[b - 1]) >= 0xE000:
                        break  # no word across a word already chosen
                    if b - a < MIN_WORD_LEN:
                        continue
                    w = s[a:b]
                    if a >= last_end.get(w, -1):
                        count[w] += 1
                        last_end[w] = b
        best = None
        for w, n in count.items():
            key = (n * (len(w) - 1) - (len(w) + 1), -len(w), w)
            if best is None or key > best:
                best = key
        if best is None or best[0] <= 0:
            break
        w = best[2]
        words.append(w)
        tok = chr(0xE000 + k)
        cur = [s.replace(w, tok) for s in cur]
    return words


def compress(text, words):
    """text with each word (longest first, left to right) as its byte."""
    order = sorted(range(len(words)), key=lambda i: (-len(words[i]), words[i]))
    out = []
    i = 0
    while i < len(text):
        for k in order:
            w = words[k]
            if text.startswith(w, i) and _boundary(text, i) and _boundary(text, i + len(w)):
                out.append(chr(0x80 + k))
                i += len(w)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def pack_words(words):
    return "".join(w[:-1] + chr(ord(w[-1]) | 0x80) for w in words)


def unpack_words(packed):
    words, word = [], ""
    for c in packed:
        if ord(c) >= 0x80:
            words.append(word + chr(ord(c) & 0x7F))
            word = ""
        else:
            word += c
    return words


def decompress(data, words):
    return "".join(words[ord(c) - 0x80] if ord(c) >= 0x80 else c for c in data)


def c_literal(s):
    out = ['"']
    for c in s:
        o = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= o < 0x7F and c != "?":
            out.append(c)
        else:
            out.append("\\%03o" % o)
    out.append('"')
    return "".join(out)


def generate(sources):
    texts, tables = [], []
    for path in sorted(sources, key=os.path.basename):
        t, tb = scan(path)
        texts += [s for _, s in t]
        tables += [(n, s) for _, n, s in tb]
    names = [n for n, _ in tables]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise TextError("MODSSL_TEXTS names used twice: %s" % ", ".join(sorted(dup)))
    corpus = sorted(set(texts) | {p for _, s in tables for p in s.split("\0") if p})
    with open(__file__, "rb") as f:  # a changed generator makes a new header
        own = hashlib.sha256(f.read()).hexdigest()
    key = [own] + sorted(set(texts)) + ["%s=%s" % t for t in sorted(tables)]
    digest = hashlib.sha256("\1".join(key).encode()).hexdigest()
    return digest, corpus, sorted(set(texts)), sorted(tables)


def header(digest, corpus, texts, tables, words):
    lines = [
        "// Generated by tools/modssl_harness/texts_gen.py from modssl's C sources: do not edit.",
        "// texts-digest: %s" % digest,
        "#ifndef MODSSL_TEXTS_GENERATED_H",
        "#define MODSSL_TEXTS_GENERATED_H",
        "#include <string.h>",
        "",
        "#define MODSSL_TEXT_WORDS %s" % c_literal(pack_words(words)),
        "#define MODSSL_TEXT_COUNT (%d)" % len(texts),
        "#define MODSSL_TEXT_MAX_LEN (%d)" % max([len(t) for t in texts] + [1]),
        "",
    ]
    for name, s in tables:
        packed = "".join(compress(p, words) + "\0" for p in s.split("\0")[:-1])
        for p in s.split("\0")[:-1]:
            assert decompress(compress(p, words), words) == p
        lines.append("#define MODSSL_TEXTS_%s %s" % (name, c_literal(packed[:-1])))
    lines += [
        "",
        "static inline __attribute__((always_inline)) const char *modssl_text_fold(const char *s) {",
    ]
    for t in texts:
        c = compress(t, words)
        assert decompress(c, words) == t
        lines.append("    if (strcmp(s, %s) == 0) {\n        return %s;\n    }" % (c_literal(t), c_literal(c)))
    lines += ["    return s;", "}", "", "#endif", ""]
    return "\n".join(lines)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: texts_gen.py OUT.h SOURCE.c...\n")
        return 2
    out, sources = argv[0], argv[1:]
    try:
        digest, corpus, texts, tables = generate(sources)
    except TextError as e:
        sys.stderr.write("texts_gen.py: %s\n" % e)
        return 1
    old = None
    if os.path.exists(out):
        with open(out, encoding="ascii", errors="replace") as f:
            old = f.read()
    words = None
    if old is not None and ("// texts-digest: %s\n" % digest) in old:
        return 0  # same texts: the header stands
    words = pick_words(corpus)
    text = header(digest, corpus, texts, tables, words)
    if text != old:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        tmp = out + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(text)
        os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
