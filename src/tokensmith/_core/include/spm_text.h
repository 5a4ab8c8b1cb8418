// SentencePiece-style text preparation, shared by the Unigram and SentencePiece-BPE kernels:
// the precompiled charsmap (Darts-clone double array), SentencePiece's normalizer, HF's
// Precompiled normalizer (per grapheme cluster) and Metaspace pre-tokenizer, and the cut of a
// piece into words at the start of each ▁ run. Twins: tokensmith/normalizers/charsmap.py,
// normalizers.py (SentencePieceNormalizer, Precompiled) and metaspace.py.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "grapheme.h"

namespace tokensmith {
namespace spm {

inline constexpr std::string_view kSpace = "\xe2\x96\x81";  // ▁

inline size_t utf8_length(unsigned char first) {
  if (first < 0xC0) return 1;
  if (first < 0xE0) return 2;
  if (first < 0xF0) return 3;
  return 4;
}

// The precompiled charsmap: uint32 trie size, the double array, then NUL-terminated strings.
class Charsmap {
 public:
  Charsmap() = default;
  explicit Charsmap(std::string_view blob) {
    if (blob.size() < 4) throw std::invalid_argument("precompiled charsmap shorter than its 4-byte header");
    uint32_t trie_size = le32(blob.data());
    if (trie_size % 4 || 4 + size_t(trie_size) > blob.size())
      throw std::invalid_argument("precompiled charsmap declares a trie larger than the blob");
    units_.resize(trie_size / 4);
    for (size_t k = 0; k < units_.size(); ++k) units_[k] = le32(blob.data() + 4 + 4 * k);
    if (units_.empty()) throw std::invalid_argument("precompiled charsmap has an empty trie");
    strings_.assign(blob.data() + 4 + trie_size, blob.size() - 4 - trie_size);
  }

  bool empty() const { return units_.empty(); }

  // visit(length, replacement) for each key that prefixes data[0, n), shortest first, until
  // visit returns false.
  template <class Visit>
  void prefixes(const char* data, size_t n, Visit visit) const {
    size_t size = units_.size();
    size_t pos = offset(units_[0]);
    for (size_t i = 0; i < n; ++i) {
      uint32_t byte = static_cast<unsigned char>(data[i]);
      if (byte == 0) return;
      pos ^= byte;
      if (pos >= size) return;
      uint32_t unit = units_[pos];
      if ((unit & 0x800000FFu) != byte) return;
      pos ^= offset(unit);
      if ((unit >> 8) & 1) {
        if (pos >= size) throw std::runtime_error("precompiled charsmap trie points outside itself");
        if (!visit(i + 1, replacement(units_[pos] & 0x7FFFFFFFu))) return;
      }
    }
  }

  // SentencePiece's rule: the longest key; 0 if none.
  size_t longest(const char* data, size_t n, std::string_view& out) const {
    size_t best = 0;
    prefixes(data, n, [&](size_t len, std::string_view r) {
      best = len;
      out = r;
      return true;
    });
    return best;
  }

  // HF's rule: the shortest key; 0 if none.
  size_t first(const char* data, size_t n, std::string_view& out) const {
    size_t found = 0;
    prefixes(data, n, [&](size_t len, std::string_view r) {
      found = len;
      out = r;
      return false;
    });
    return found;
  }

  // first() for the one UTF-8 character data[0, width): read from a table of every BMP
  // character once build_char_table() has run (HF's normalizer looks up each character).
  bool first_char(const char* data, size_t width, std::string_view& out) const {
    auto b = reinterpret_cast<const unsigned char*>(data);
    if (!char_table_.empty() && width <= 3 && utf8_length(b[0]) == width && (width > 1 || b[0] < 0x80)) {
      uint32_t cp = width == 1 ? b[0]
                  : width == 2 ? (uint32_t(b[0] & 0x1F) << 6) | (b[1] & 0x3F)
                               : (uint32_t(b[0] & 0x0F) << 12) | (uint32_t(b[1] & 0x3F) << 6) | (b[2] & 0x3F);
      if (!(char_found_[cp >> 6] >> (cp & 63) & 1)) return false;
      CharEntry e = char_table_[cp];
      out = std::string_view(strings_).substr(e.offset, e.length);
      return true;
    }
    return first(data, width, out) != 0;
  }

  // A printable ASCII character that no key begins with (HF's rule leaves it as it is).
  bool plain_ascii(unsigned char c) const { return plain_ascii_[c]; }

  void build_char_table() {
    for (int c = 0x20; c < 0x7F; ++c) {
      char one = char(c);
      std::string_view r;
      plain_ascii_[c] = !first(&one, 1, r);
    }
    char_table_.assign(0x10000, CharEntry{});
    char_found_.assign(0x10000 / 64, 0);
    char buf[3];
    for (uint32_t cp = 0; cp < 0x10000; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates: not in UTF-8 text
      size_t width;
      if (cp < 0x80) {
        buf[0] = char(cp);
        width = 1;
      } else if (cp < 0x800) {
        buf[0] = char(0xC0 | (cp >> 6));
        buf[1] = char(0x80 | (cp & 0x3F));
        width = 2;
      } else {
        buf[0] = char(0xE0 | (cp >> 12));
        buf[1] = char(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = char(0x80 | (cp & 0x3F));
        width = 3;
      }
      std::string_view r;
      if (!first(buf, width, r)) continue;
      if (r.size() >= 0x10000) {  // too long for an entry: look every character up as before
        char_table_.clear();
        return;
      }
      char_table_[cp] = {uint32_t(r.data() - strings_.data()), uint16_t(r.size())};
      char_found_[cp >> 6] |= uint64_t(1) << (cp & 63);
    }
  }

 private:
  struct CharEntry {
    uint32_t offset = 0;
    uint16_t length = 0;
  };

  static uint32_t le32(const char* p) {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  }
  static size_t offset(uint32_t unit) { return size_t(unit >> 10) << ((unit & (1u << 9)) >> 6); }
  std::string_view replacement(uint32_t value) const {
    if (value >= strings_.size()) throw std::runtime_error("precompiled charsmap value is outside its strings");
    size_t end = strings_.find('\0', value);
    return std::string_view(strings_).substr(value, (end == std::string::npos ? strings_.size() : end) - value);
  }

  std::vector<uint32_t> units_;
  std::string strings_;
  std::vector<CharEntry> char_table_;  // empty until build_char_table()
  std::vector<uint64_t> char_found_;   // a bit per BMP character that has a key (8 KB)
  bool plain_ascii_[256] = {};
};

// SentencePiece's Normalizer::Normalize (normalizers.SentencePieceNormalizer).
struct SpmNormalizer {
  Charsmap charsmap;
  bool has_charsmap = false, add_dummy_prefix = true, remove_extra = true, escape = true;
  std::vector<std::string> user_defined;  // longest first
  bool user_first_byte[256] = {};

  void set_user_defined(std::vector<std::string> symbols) {
    std::stable_sort(symbols.begin(), symbols.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    user_defined.clear();
    for (auto& s : symbols)
      if (!s.empty()) {
        user_first_byte[static_cast<unsigned char>(s[0])] = true;
        user_defined.push_back(std::move(s));
      }
  }

  // NormalizePrefix: the replacement at data[pos] and the bytes it consumes.
  size_t prefix(std::string_view data, size_t pos, std::string_view& piece) const {
    const char* p = data.data() + pos;
    size_t rest = data.size() - pos;
    if (user_first_byte[static_cast<unsigned char>(*p)]) {
      for (const std::string& u : user_defined)
        if (u.size() <= rest && std::equal(u.begin(), u.end(), p)) {
          piece = std::string_view(p, u.size());
          return u.size();
        }
    }
    if (has_charsmap) {
      size_t n = charsmap.longest(p, rest, piece);
      if (n) return n;
    }
    size_t width = std::min(utf8_length(static_cast<unsigned char>(*p)), rest);
    piece = std::string_view(p, width);
    return width;
  }

  void normalize(std::string_view data, std::string& out) const {
    out.clear();
    std::string_view space = escape ? kSpace : std::string_view(" ");
    size_t pos = 0, n = data.size();
    std::string_view piece;
    if (remove_extra) {
      while (pos < n) {
        size_t width = prefix(data, pos, piece);
        if (piece != " ") break;
        pos += width;
      }
    }
    if (pos >= n) return;
    if (add_dummy_prefix) out.append(space);
    bool prev_space = remove_extra;
    while (pos < n) {
      pos += prefix(data, pos, piece);
      if (prev_space) {
        size_t k = 0;
        while (k < piece.size() && piece[k] == ' ') ++k;
        piece.remove_prefix(k);
      }
      if (!piece.empty()) {
        if (escape) {
          for (char c : piece) {
            if (c == ' ') out.append(space);
            else out.push_back(c);
          }
        } else {
          out.append(piece);
        }
        prev_space = piece.back() == ' ';
      }
      if (!remove_extra) prev_space = false;
    }
    if (remove_extra)
      while (out.size() >= space.size() && out.compare(out.size() - space.size(), space.size(), space) == 0)
        out.resize(out.size() - space.size());
  }
};

// HF's Precompiled: a grapheme cluster under 6 bytes that the shortest charsmap key prefixes is
// replaced whole by that key's string; otherwise each character is looked up on its own.
// Runs of printable ASCII that the charsmap leaves alone are skipped without cutting them into
// clusters: each such character is a cluster of its own when an ASCII byte comes before and
// after it (no Prepend before, no Extend, ZWJ or SpacingMark after), so a run keeps its first
// and last character in the clustered text around it, which then starts and ends at a break.
inline void hf_precompiled(const Charsmap& charsmap, std::string_view text, std::string& out) {
  out.clear();
  std::string_view r;
  size_t copied = 0;  // text[copied, begin) is unchanged and not yet in out: copied in one go
  auto replace = [&](size_t begin, size_t end, std::string_view by) {
    out.append(text.data() + copied, begin - copied);
    out.append(by);
    copied = end;
  };
  auto clusters = [&](size_t from, size_t to) {
    grapheme::for_each_cluster(text.substr(from, to - from), [&](size_t begin, size_t end) {
      begin += from;
      end += from;
      const char* p = text.data() + begin;
      size_t size = end - begin;
      size_t width = std::min(utf8_length(static_cast<unsigned char>(p[0])), size);
      if (size < 6) {
        // The shortest key within the first character is the shortest within the cluster.
        if (charsmap.first_char(p, width, r) || (size > width && charsmap.first(p, size, r))) {
          replace(begin, end, r);
          return;
        }
        if (size == width) return;
      }
      for (size_t k = begin; k < end;) {
        width = std::min(utf8_length(static_cast<unsigned char>(text[k])), end - k);
        if (charsmap.first_char(text.data() + k, width, r)) replace(k, k + width, r);
        k += width;
      }
    });
  };
  constexpr size_t kMinRun = 8;
  size_t n = text.size(), from = 0;  // text[from, pos) still to be clustered
  for (size_t pos = 0; pos < n;) {
    if (!charsmap.plain_ascii(static_cast<unsigned char>(text[pos]))) {
      ++pos;
      continue;
    }
    size_t end = pos + 1;
    while (end < n && charsmap.plain_ascii(static_cast<unsigned char>(text[end]))) ++end;
    size_t a = pos, b = end;  // the run, less the characters that may join their neighbours
    if (a > 0 && static_cast<unsigned char>(text[a - 1]) >= 0x80) ++a;
    if (b < n && static_cast<unsigned char>(text[b]) >= 0x80) --b;
    if (b >= a + kMinRun) {
      if (a > from) clusters(from, a);
      from = b;
    }
    pos = end;
  }
  if (n > from) clusters(from, n);
  out.append(text.data() + copied, n - copied);
}

// Unicode White_Space, which HF's WhitespaceSplit splits on; the width of the one at text[pos].
inline size_t white_space_at(std::string_view text, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return (c == ' ' || (c >= 0x09 && c <= 0x0D)) ? 1 : 0;
  size_t width = utf8_length(c);
  if (pos + width > text.size()) return 0;
  uint32_t cp = grapheme::decode(text, pos, width);
  bool white = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
               cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
  return white ? width : 0;
}

// HF's Metaspace pre-tokenizer, optionally after WhitespaceSplit (metaspace.MetaspaceSplitter).
struct Metaspace {
  std::string replacement = std::string(kSpace);
  int prepend = 0;  // 0 always, 1 first, 2 never
  bool split = true, whitespace_split = false;

  // Buffers reused from text to text.
  struct Scratch {
    std::string buffer;  // the rewritten words
    std::vector<std::pair<size_t, size_t>> words, spans;
  };

  // piece(view) for each piece, in order.
  template <class Piece>
  void pieces(std::string_view text, Scratch& scratch, Piece piece) const {
    std::string& buffer = scratch.buffer;
    std::vector<std::pair<size_t, size_t>>& words = scratch.words;
    words.clear();
    bool at_start = true;
    if (whitespace_split) {
      at_start = !text.empty() && white_space_at(text, 0) == 0;
      size_t start = 0;
      for (size_t pos = 0; pos < text.size();) {
        size_t w = white_space_at(text, pos);
        if (w) {
          if (pos > start) words.emplace_back(start, pos);
          pos += w;
          start = pos;
        } else {
          pos += std::min(utf8_length(static_cast<unsigned char>(text[pos])), text.size() - pos);
        }
      }
      if (start < text.size()) words.emplace_back(start, text.size());
    } else if (!text.empty()) {
      words.emplace_back(0, text.size());
    }
    buffer.clear();
    std::vector<std::pair<size_t, size_t>>& spans = scratch.spans;
    spans.clear();
    for (size_t k = 0; k < words.size(); ++k) {
      size_t begin = buffer.size();
      std::string_view word = text.substr(words[k].first, words[k].second - words[k].first);
      bool add = prepend == 0 || (prepend == 1 && k == 0 && at_start);
      bool starts = (!word.empty() && word[0] == ' ') || word.substr(0, replacement.size()) == replacement;
      if (add && !starts) buffer.append(replacement);
      for (size_t at = 0; at < word.size();) {  // spaces become the replacement
        size_t space = word.find(' ', at);
        if (space == std::string_view::npos) space = word.size();
        buffer.append(word.data() + at, space - at);
        if (space < word.size()) buffer.append(replacement);
        at = space + 1;
      }
      spans.emplace_back(begin, buffer.size());
    }
    std::string_view all(buffer);
    for (auto [begin, end] : spans) {
      if (!split) {
        if (end > begin) piece(all.substr(begin, end - begin));
        continue;
      }
      size_t start = begin;
      for (size_t pos = begin + 1; pos + replacement.size() <= end; ++pos)
        if (all[pos] == replacement[0] && all.compare(pos, replacement.size(), replacement) == 0) {
          piece(all.substr(start, pos - start));
          start = pos;
        }
      if (end > start) piece(all.substr(start, end - start));
    }
  }
};

// Cuts a normalized piece before each run of ▁ (no piece can cross such a start): words(view).
template <class Word>
void for_each_word(std::string_view piece, Word word) {
  size_t start = 0;
  bool in_run = false;
  for (size_t pos = 0; pos < piece.size();) {
    if (piece[pos] == kSpace[0] && piece.compare(pos, kSpace.size(), kSpace) == 0) {
      if (!in_run && pos > start) {
        word(piece.substr(start, pos - start));
        start = pos;
      }
      in_run = true;
      pos += kSpace.size();
    } else {
      in_run = false;
      ++pos;
    }
  }
  if (piece.size() > start) word(piece.substr(start));
}

// The whole text stage of a tokenizer: normalizer then (optional) Metaspace, giving pieces.
struct TextPipeline {
  enum class Norm { kNone, kSentencePiece, kHfPrecompiled } norm = Norm::kNone;
  SpmNormalizer spm;
  Charsmap hf_charsmap;
  bool metaspace = false;
  Metaspace ms;

  struct Scratch {
    std::string normalized;
    Metaspace::Scratch metaspace;
  };

  template <class Piece>
  void pieces(std::string_view text, Scratch& scratch, Piece piece) const {
    std::string_view normalized = text;
    if (norm == Norm::kSentencePiece) {
      spm.normalize(text, scratch.normalized);
      normalized = scratch.normalized;
    } else if (norm == Norm::kHfPrecompiled) {
      hf_precompiled(hf_charsmap, text, scratch.normalized);
      normalized = scratch.normalized;
    }
    if (metaspace) ms.pieces(normalized, scratch.metaspace, piece);
    else if (!normalized.empty()) piece(normalized);
  }
};

}  // namespace spm
}  // namespace tokensmith
