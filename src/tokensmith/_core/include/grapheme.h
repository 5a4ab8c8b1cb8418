// Extended grapheme clusters of UTF-8 text (Unicode Standard Annex #29, rules GB3-GB999,
// including GB9c for Indic conjuncts), with the properties `regex` gives (grapheme_tables.h), so
// clusters equal those of `regex`'s \X, which the Python twin of HF's Precompiled uses.
#pragma once

#include <cstdint>
#include <string_view>

#include "grapheme_tables.h"

namespace tokensmith {
namespace grapheme {

// Code point of the width-byte UTF-8 sequence at text[pos] (valid UTF-8 is assumed).
inline uint32_t decode(std::string_view text, size_t pos, size_t width) {
  auto b = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  switch (width) {
    case 1: return b[0];
    case 2: return (uint32_t(b[0] & 0x1F) << 6) | (b[1] & 0x3F);
    case 3: return (uint32_t(b[0] & 0x0F) << 12) | (uint32_t(b[1] & 0x3F) << 6) | (b[2] & 0x3F);
    default: return (uint32_t(b[0] & 0x07) << 18) | (uint32_t(b[1] & 0x3F) << 12) | (uint32_t(b[2] & 0x3F) << 6) | (b[3] & 0x3F);
  }
}

// cluster(begin, end) for each extended grapheme cluster of text, in order.
template <class Cluster>
void for_each_cluster(std::string_view text, Cluster cluster) {
  size_t n = text.size(), start = 0;
  uint8_t prev = 0;
  int incb = 0;      // 1: Consonant [Extend Linker]*, 2: ... with a Linker seen (GB9c)
  int emoji = 0;     // 1: ExtPict Extend*, 2: ExtPict Extend* ZWJ (GB11)
  size_t ri_run = 0;  // Regional_Indicator characters just before (GB12, GB13)
  for (size_t pos = 0; pos < n;) {
    unsigned char lead = static_cast<unsigned char>(text[pos]);
    size_t width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (pos + width > n) width = n - pos;
    uint8_t props = lead < 0x80 ? properties(lead) : properties(decode(text, pos, width));
    uint8_t cur = props & 15, before = prev & 15;
    int cur_incb = (props >> kInCBShift) & 3;
    bool joined = false;
    if (pos > 0) {
      if (before == kCR && cur == kLF) joined = true;                                   // GB3
      else if (before == kCR || before == kLF || before == kControl) joined = false;  // GB4
      else if (cur == kCR || cur == kLF || cur == kControl) joined = false;           // GB5
      else if (before == kL && (cur == kL || cur == kV || cur == kLV || cur == kLVT)) joined = true;  // GB6
      else if ((before == kLV || before == kV) && (cur == kV || cur == kT)) joined = true;          // GB7
      else if ((before == kLVT || before == kT) && cur == kT) joined = true;                        // GB8
      else if (cur == kExtend || cur == kZWJ || cur == kSpacingMark) joined = true;     // GB9, GB9a
      else if (before == kPrepend) joined = true;                                       // GB9b
      else if (incb == 2 && cur_incb == kInCBConsonant) joined = true;                  // GB9c
      else if (emoji == 2 && (props & kExtPict)) joined = true;                        // GB11
      else if (before == kRegionalIndicator && cur == kRegionalIndicator) joined = ri_run % 2 == 1;  // GB12/13
      if (!joined) {
        cluster(start, pos);
        start = pos;
      }
    }
    if (cur_incb == kInCBConsonant) incb = 1;
    else if (incb && cur_incb == kInCBLinker) incb = 2;
    else if (!(incb && cur_incb == kInCBExtend)) incb = 0;
    if (props & kExtPict) emoji = 1;
    else if (emoji == 1 && cur == kExtend) emoji = 1;
    else if (emoji == 1 && cur == kZWJ) emoji = 2;
    else emoji = 0;
    ri_run = cur == kRegionalIndicator ? ri_run + 1 : 0;
    prev = props;
    pos += width;
  }
  if (n > start) cluster(start, n);
}

}  // namespace grapheme
}  // namespace tokensmith
