// A double-array trie of byte strings (Aoe 1989, as in Darts, which SentencePiece uses) for the
// Unigram lattice's common-prefix search: one step per byte is one load of a unit at
// base[node] + byte, checked by its parent field, instead of a search among a node's labels.
// A unit carries its key's score too, so an edge of the lattice costs no second lookup.
// Built once from the pieces; read-only afterwards, so threads share it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tokensmith {

class DoubleArrayTrie {
 public:
  // keys[k] maps to ids[k] (ids >= 0) and scores[k]; a repeated key keeps its last id.
  // The keys are only read during the build (views into the caller's strings suffice).
  void build(const std::vector<std::string_view>& keys, const std::vector<int>& ids,
             const std::vector<double>& scores) {
    // Keys in byte order: a node is a range of keys sharing its first `depth` bytes, the key
    // that ends there (if any) first, then one sub-range per next byte.
    std::vector<size_t> order(keys.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    // The sorted keys side by side: each level of the breadth-first walk reads them in order.
    std::vector<size_t> start(order.size() + 1, 0);
    for (size_t k = 0; k < order.size(); ++k) start[k + 1] = start[k] + keys[order[k]].size();
    std::string arena;
    arena.reserve(start.back());
    for (size_t k = 0; k < order.size(); ++k) arena += keys[order[k]];
    auto length = [&](size_t k) { return start[k + 1] - start[k]; };
    auto byte_at = [&](size_t k, size_t depth) { return static_cast<unsigned char>(arena[start[k] + depth]); };
    struct Range {
      size_t lo, hi, depth;
      int pos;
    };
    struct Child {
      int label;
      size_t lo, hi;
    };
    // Place nodes breadth first: each node's children go to base + label, at the first base
    // whose slots are all free. Free slots form a doubly linked list, so the search skips taken
    // ones and taking one is a constant step; a search that has tried kMaxTries free slots
    // looks among the free slots of the last kRecent units (where room for a node of several
    // children is), then opens new ones past the end (a little space for a bounded build time).
    constexpr int kMaxTries = 32;
    constexpr int kRecent = 512;
    units_.assign(1, Unit{});
    units_[0].check = -2;  // the root has no parent
    std::vector<int> next_free(1, -1), prev_free(1, -1);
    int head = -1, tail = -1;  // free slots in increasing order
    auto grow = [&](size_t size) {
      size_t old = units_.size();
      if (size <= old) return;
      units_.resize(size, Unit{});
      next_free.resize(size, -1);
      prev_free.resize(size, -1);
      for (size_t k = old; k < size; ++k) {
        int slot = static_cast<int>(k);
        prev_free[slot] = tail;
        if (tail >= 0) next_free[tail] = slot;
        else head = slot;
        tail = slot;
      }
    };
    auto take = [&](int slot) {
      int before = prev_free[slot], after = next_free[slot];
      if (before >= 0) next_free[before] = after;
      else head = after;
      if (after >= 0) prev_free[after] = before;
      else tail = before;
    };
    grow(512);
    std::vector<Range> queue{{0, order.size(), 0, 0}};
    std::vector<Child> kids;
    for (size_t q = 0; q < queue.size(); ++q) {
      Range r = queue[q];
      size_t k = r.lo;
      for (; k < r.hi && length(k) == r.depth; ++k) {
        units_[r.pos].value = ids[order[k]];
        units_[r.pos].score = scores[order[k]];
      }
      kids.clear();
      while (k < r.hi) {
        int label = byte_at(k, r.depth);
        size_t end = k + 1;
        while (end < r.hi && byte_at(end, r.depth) == label) ++end;
        kids.push_back({label, k, end});
        k = end;
      }
      if (kids.empty()) continue;
      int lowest = kids.front().label, highest = kids.back().label;
      auto fits_at = [&](int slot) {
        if (slot - lowest < 1) return false;
        for (const Child& kid : kids) {
          size_t at = static_cast<size_t>(slot - lowest) + kid.label;
          if (at < units_.size() && units_[at].check != -1) return false;
        }
        return true;
      };
      int found = -1;
      int tries = 0;
      for (int slot = head; slot >= 0 && tries < kMaxTries; slot = next_free[slot]) {
        if (slot - lowest < 1) continue;
        ++tries;
        if (fits_at(slot)) {
          found = slot;
          break;
        }
      }
      if (found < 0 && kids.size() > 1) {
        // A node of several children rarely fits the old holes the search starts with (they
        // fill with single children); try the free slots of the last kRecent units before
        // opening new ones, or every such node would open its own mostly empty region
        // (3M pieces: 28M units instead of 5M).
        const int recent = static_cast<int>(units_.size()) - kRecent;
        int slot = tail;
        while (slot >= 0 && prev_free[slot] > recent) slot = prev_free[slot];
        for (; slot >= 0; slot = next_free[slot])
          if (slot > recent && fits_at(slot)) {
            found = slot;
            break;
          }
      }
      const int base = found >= 0 ? found - lowest : static_cast<int>(units_.size());  // past the end: always fits
      grow(static_cast<size_t>(base) + highest + 1);
      units_[r.pos].base = base;
      for (const Child& kid : kids) {
        int at = base + kid.label;
        units_[at].check = r.pos;
        take(at);
        queue.push_back({kid.lo, kid.hi, r.depth + 1, at});
      }
    }
    size_t used = units_.size();
    while (used > 1 && units_[used - 1].check == -1) --used;
    units_.resize(used + 256, Unit{});  // every base + byte of a placed node stays in bounds
    units_.shrink_to_fit();
  }

  // visit(end, id, score) for every key that text[start..] begins with, shortest first.
  template <class Visit>
  void prefixes(std::string_view text, size_t start, Visit visit) const {
    const Unit* units = units_.data();
    int node = 0;
    for (size_t i = start; i < text.size(); ++i) {
      int next = units[node].base + static_cast<unsigned char>(text[i]);
      if (units[next].check != node) return;
      node = next;
      if (units[node].value >= 0) visit(i + 1, units[node].value, units[node].score);
    }
  }

  size_t size_in_bytes() const { return units_.size() * sizeof(Unit); }

 private:
  struct Unit {
    int32_t base = 0;     // children of this node are at base + byte (0: no children)
    int32_t check = -1;   // the parent's position; -1 for a free slot
    int32_t value = -1;   // the key's id, -1 if no key ends here
    double score = 0.0;   // the key's score
  };
  std::vector<Unit> units_;
};

}  // namespace tokensmith
