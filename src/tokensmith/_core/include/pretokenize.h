// Pre-tokenization: split UTF-8 text into the pieces the named split patterns give.
//
// Each splitter is the pattern's regex compiled by hand: at every position the alternatives are
// tried in the pattern's order, with the pattern's greedy / possessive / backtracking behaviour,
// so the pieces are exactly those of `regex.findall(pattern, text)` (tests/test_split.py checks
// this on real text). Character classes come from unicode_tables.h, generated from `regex`.
//
//   GPT2   '(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s
//   CL100K '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+
//          |\s++$|\s*[\r\n]|\s+(?!\S)|\s
//   LLAMA3 cl100k's older spelling; differs only when the text ends in whitespace holding a line
//          break followed by more whitespace: "\n " is one piece in cl100k, two ("\n", " ") here.
//   O200K  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...)?
//          |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?
//          |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// Invalid UTF-8 never makes the splitter read out of bounds: a byte that does not start a valid
// sequence counts as one character of no class (callers are expected to pass valid UTF-8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "unicode_tables.h"

namespace tokensmith {

enum class SplitPattern { GPT2, CL100K, O200K, LLAMA3 };

// "gpt2", "r50k", "p50k" -> GPT2; "cl100k" -> CL100K; "llama3" -> LLAMA3; "o200k" -> O200K.
inline bool split_pattern_from_name(const std::string& name, SplitPattern& out) {
    if (name == "gpt2" || name == "r50k" || name == "p50k") out = SplitPattern::GPT2;
    else if (name == "cl100k") out = SplitPattern::CL100K;
    else if (name == "llama3") out = SplitPattern::LLAMA3;
    else if (name == "o200k") out = SplitPattern::O200K;
    else return false;
    return true;
}

namespace split_detail {

using namespace unicode;

constexpr uint8_t kLNS = kLetter | kNumber | kSpace;   // [^\s\p{L}\p{N}] is "none of these"
constexpr uint8_t kLNNewline = kLetter | kNumber | kNewline;  // [^\r\n\p{L}\p{N}] likewise

struct Char {
    uint32_t cp;   // 0x110000 for a byte that starts no valid sequence
    uint8_t cls;   // class bits (unicode_tables.h)
    uint8_t len;   // bytes
};

inline bool is_cont(unsigned char b) { return (b & 0xC0) == 0x80; }

// A character of two to four bytes (or an invalid byte) at i; kept out of line so that the ASCII
// path of char_at inlines everywhere.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
inline Char char_at_multibyte(const unsigned char* s, size_t i, size_t n) {
    const uint32_t c = s[i];
    uint32_t cp;
    if (c >= 0xC2 && c < 0xE0) {
        if (i + 1 < n && is_cont(s[i + 1])) {
            cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
            return {cp, char_class(cp), 2};
        }
    } else if (c >= 0xE0 && c < 0xF0) {
        if (i + 2 < n && is_cont(s[i + 1]) && is_cont(s[i + 2])) {
            cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) return {cp, char_class(cp), 3};
        }
    } else if (c >= 0xF0 && c < 0xF5) {
        if (i + 3 < n && is_cont(s[i + 1]) && is_cont(s[i + 2]) && is_cont(s[i + 3])) {
            cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
                 (s[i + 3] & 0x3F);
            if (cp >= 0x10000 && cp < 0x110000) return {cp, char_class(cp), 4};
        }
    }
    return {0x110000, 0, 1};
}

inline Char char_at(const unsigned char* s, size_t i, size_t n) {
    const uint32_t c = s[i];
    if (c < 0x80) return {c, kAsciiClass[c], 1};
    return char_at_multibyte(s, i, n);
}

// The text being split; every helper returns a byte offset in [0, n].
struct Text {
    const unsigned char* s;
    size_t n;

    Char at(size_t i) const { return char_at(s, i, n); }

    // End of the run of characters starting at i whose class has a bit of `any`.
    size_t run(size_t i, uint8_t any) const {
        while (i < n) {
            if (s[i] < 0x80) {  // ASCII fast path
                if (!(kAsciiClass[s[i]] & any)) return i;
                ++i;
                continue;
            }
            const Char c = at(i);
            if (!(c.cls & any)) return i;
            i += c.len;
        }
        return n;
    }

    // End of the run of characters starting at i whose class has no bit of `none`.
    size_t run_without(size_t i, uint8_t none) const {
        while (i < n) {
            if (s[i] < 0x80) {
                if (kAsciiClass[s[i]] & none) return i;
                ++i;
                continue;
            }
            const Char c = at(i);
            if (c.cls & none) return i;
            i += c.len;
        }
        return n;
    }

    // End of the run of [\r\n] (or [\r\n/] when slash_too) starting at i.
    size_t run_bytes(size_t i, bool slash_too) const {
        while (i < n && (s[i] == '\r' || s[i] == '\n' || (slash_too && s[i] == '/'))) ++i;
        return i;
    }

    // Up to `limit` characters of class `any` starting at i.
    size_t run_at_most(size_t i, uint8_t any, int limit) const {
        for (; limit > 0 && i < n; --limit) {
            const Char c = at(i);
            if (!(c.cls & any)) break;
            i += c.len;
        }
        return i;
    }

    // The contraction letter (of "sdmtlvre") at i, case-insensitively as (?i:...) matches; 0 if none.
    char letter_at(size_t i, uint8_t& len) const {
        if (i >= n) return 0;
        const Char c = at(i);
        len = c.len;
        return contraction_letter(c.cp);
    }

    // End of a contraction "'s|'t|'re|'ve|'m|'ll|'d" at i (case-insensitive when `fold`), else 0.
    size_t contraction(size_t i, bool fold) const {
        if (i >= n || s[i] != '\'') return 0;
        uint8_t len1 = 0, len2 = 0;
        char a, b;
        if (fold) {
            a = letter_at(i + 1, len1);
        } else {
            a = (i + 1 < n) ? char(s[i + 1]) : 0;
            len1 = 1;
        }
        if (a == 's' || a == 'd' || a == 'm' || a == 't') return i + 1 + len1;
        if (a != 'l' && a != 'v' && a != 'r') return 0;
        const size_t j = i + 1 + len1;
        if (fold) {
            b = letter_at(j, len2);
        } else {
            b = (j < n) ? char(s[j]) : 0;
            len2 = 1;
        }
        if ((a == 'l' && b == 'l') || (a != 'l' && b == 'e')) return j + len2;
        return 0;
    }

    // A whitespace run starting at i: its end, where its last character starts, and the end of
    // its last \r or \n (0 when it has none).
    struct SpaceRun {
        size_t end, last_start, newline_end;
    };
    SpaceRun space_run(size_t i) const {
        SpaceRun r{i, i, 0};
        while (r.end < n) {
            const Char c = at(r.end);
            if (!(c.cls & kSpace)) break;
            r.last_start = r.end;
            r.end += c.len;
            if (c.cls & kNewline) r.newline_end = r.end;
        }
        return r;
    }
};

// ---- GPT2 ----------------------------------------------------------------------------------
inline size_t next_gpt2(const Text& t, size_t i) {
    if (size_t e = t.contraction(i, /*fold=*/false)) return e;
    Char c = t.at(i);
    size_t start = i;
    if (t.s[i] == ' ' && i + 1 < t.n) {  // " ?" before a letter, number or other run
        const Char next = t.at(i + 1);
        if (!(next.cls & kSpace)) {
            c = next;
            start = i + 1;
        }
    }
    if (c.cls & kLetter) return t.run(start, kLetter);
    if (c.cls & kNumber) return t.run(start, kNumber);
    if (!(c.cls & kSpace)) return t.run_without(start, kLNS);
    // \s++$ | \s+(?!\S) | \s
    const Text::SpaceRun r = t.space_run(i);
    if (r.end == t.n) return r.end;
    return r.last_start > i ? r.last_start : r.end;
}

// ---- CL100K and LLAMA3 ---------------------------------------------------------------------
inline size_t next_cl100k(const Text& t, size_t i, bool llama3) {
    if (size_t e = t.contraction(i, /*fold=*/true)) return e;
    const Char c = t.at(i);
    if (c.cls & kLetter) return t.run(i + c.len, kLetter);
    Char next{0, 0, 0};
    if (i + c.len < t.n) next = t.at(i + c.len);
    // [^\r\n\p{L}\p{N}]?+\p{L}++
    if (!(c.cls & kLNNewline) && (next.cls & kLetter)) return t.run(i + c.len + next.len, kLetter);
    // \p{N}{1,3}+
    if (c.cls & kNumber) return t.run_at_most(i, kNumber, 3);
    // ' ?[^\s\p{L}\p{N}]++[\r\n]*+'
    if (t.s[i] == ' ' && next.len && !(next.cls & kLNS))
        return t.run_bytes(t.run_without(i + 1, kLNS), false);
    if (!(c.cls & kLNS)) return t.run_bytes(t.run_without(i, kLNS), false);
    const Text::SpaceRun r = t.space_run(i);
    if (r.end == t.n && (!llama3 || !r.newline_end)) return r.end;  // \s++$ (llama3: \s+(?!\S))
    if (r.newline_end) return r.newline_end;                        // \s*[\r\n]
    return r.last_start > i ? r.last_start : r.end;                 // \s+(?!\S) | \s
}

// ---- O200K ---------------------------------------------------------------------------------
// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ at `start` with regex's
// backtracking: the upper run is greedy and gives back characters until a lower one can follow.
// Returns the end, or 0 when it cannot match.
inline size_t o200k_upper_lower(const Text& t, size_t start) {
    size_t i = start, last_lower_end = 0;
    while (i < t.n) {
        const Char c = t.at(i);
        if (!(c.cls & kUpperish)) {
            if (c.cls & kLowerish) return t.run(i, kLowerish);
            break;
        }
        i += c.len;
        if (c.cls & kLowerish) last_lower_end = i;
    }
    return last_lower_end;  // the last character that is both ends the lower run
}

// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* at `start`; 0 when it cannot match.
inline size_t o200k_upper_then_lower(const Text& t, size_t start) {
    const size_t upper_end = t.run(start, kUpperish);
    if (upper_end == start) return 0;
    return t.run(upper_end, kLowerish);
}

inline size_t next_o200k(const Text& t, size_t i) {
    const Char c = t.at(i);
    // The optional prefix [^\r\n\p{L}\p{N}]? is tried taken first, then left out.
    const bool prefix = !(c.cls & kLNNewline) && i + c.len < t.n;
    size_t e = 0;
    if (prefix) e = o200k_upper_lower(t, i + c.len);
    if (!e && (c.cls & (kUpperish | kLowerish))) e = o200k_upper_lower(t, i);
    if (!e && prefix) e = o200k_upper_then_lower(t, i + c.len);
    if (!e && (c.cls & kUpperish)) e = o200k_upper_then_lower(t, i);
    if (e) {
        const size_t with = t.contraction(e, /*fold=*/true);
        return with ? with : e;
    }
    if (c.cls & kNumber) return t.run_at_most(i, kNumber, 3);  // \p{N}{1,3}
    // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
    if (t.s[i] == ' ' && i + 1 < t.n && !(t.at(i + 1).cls & kLNS))
        return t.run_bytes(t.run_without(i + 1, kLNS), true);
    if (!(c.cls & kLNS)) return t.run_bytes(t.run_without(i, kLNS), true);
    const Text::SpaceRun r = t.space_run(i);
    if (r.newline_end) return r.newline_end;                 // \s*[\r\n]+
    if (r.end == t.n) return r.end;                          // \s+(?!\S) at the end
    return r.last_start > i ? r.last_start : r.end;          // \s+(?!\S) | \s+
}

template <class Next, class Emit>
inline void split_loop(const Text& t, Next&& next, Emit& emit) {
    size_t i = 0;
    while (i < t.n) {
        const size_t e = next(t, i);
        emit(i, e);
        i = e;
    }
}

}  // namespace split_detail

// Calls emit(begin, end) with byte offsets for each piece of the UTF-8 string s[0..n), in order;
// the pieces tile s exactly (the named patterns match every character).
template <class Emit>
void pretokenize(SplitPattern p, const char* s, size_t n, Emit&& emit) {
    using namespace split_detail;
    const Text t{reinterpret_cast<const unsigned char*>(s), n};
    switch (p) {
        case SplitPattern::GPT2:
            split_loop(t, [](const Text& x, size_t i) { return next_gpt2(x, i); }, emit);
            break;
        case SplitPattern::CL100K:
            split_loop(t, [](const Text& x, size_t i) { return next_cl100k(x, i, false); }, emit);
            break;
        case SplitPattern::LLAMA3:
            split_loop(t, [](const Text& x, size_t i) { return next_cl100k(x, i, true); }, emit);
            break;
        case SplitPattern::O200K:
            split_loop(t, [](const Text& x, size_t i) { return next_o200k(x, i); }, emit);
            break;
    }
}

}  // namespace tokensmith
