// A double-array trie of byte strings (Aoe 1989, as in Darts, which SentencePiece uses) for the
// Unigram lattice's common-prefix search: one step per byte is one load of a unit at
// base[node] + byte, checked by its parent field, instead of a search among a node's labels.
// A unit carries its key's score too, so an edge of the lattice costs no second lookup.
// Built once from the pieces; read-only afterwards, so threads share it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tokensmith {

class DoubleArrayTrie {
 public:
  // keys[k] maps to ids[k] (ids >= 0) and scores[k]; a repeated key keeps its last id.
  void build(const std::vector<std::string>& keys, const std::vector<int>& ids,
             const std::vector<double>& scores) {
    // A plain trie first: children[node] ordered by label.
    std::vector<std::map<unsigned char, int>> children(1);
    std::vector<int> value(1, -1);
    std::vector<double> score(1, 0.0);
    for (size_t k = 0; k < keys.size(); ++k) {
      int node = 0;
      for (unsigned char c : keys[k]) {
        auto it = children[node].find(c);
        if (it != children[node].end()) {
          node = it->second;
          continue;
        }
        int fresh = static_cast<int>(children.size());
        children[node][c] = fresh;
        children.emplace_back();
        value.push_back(-1);
        score.push_back(0.0);
        node = fresh;
      }
      value[node] = ids[k];
      score[node] = scores[k];
    }
    // Place nodes breadth first: each node's children go to base + label, at the first base
    // whose slots are all free. Free slots form a linked list, so the search skips taken ones.
    units_.assign(1, Unit{});
    units_[0].check = -2;  // the root has no parent
    units_[0].value = value[0];
    units_[0].score = score[0];
    std::vector<int> next_free(1, -1);
    int head = -1, tail = -1;  // free slots in increasing order; next_free[tail] == -1
    auto grow = [&](size_t size) {
      size_t old = units_.size();
      if (size <= old) return;
      units_.resize(size, Unit{});
      next_free.resize(size, -1);
      for (size_t k = old; k < size; ++k) {
        if (tail >= 0) next_free[tail] = static_cast<int>(k);
        else head = static_cast<int>(k);
        tail = static_cast<int>(k);
      }
    };
    auto take = [&](int slot, int before) {  // before: the free slot preceding slot, or -1
      int after = next_free[slot];
      if (before >= 0) next_free[before] = after;
      else head = after;
      if (tail == slot) tail = before;
    };
    grow(512);
    std::vector<std::pair<int, int>> queue{{0, 0}};  // (plain node, position)
    for (size_t q = 0; q < queue.size(); ++q) {
      auto [node, pos] = queue[q];
      const auto& kids = children[node];
      if (kids.empty()) continue;
      int lowest = kids.begin()->first, highest = kids.rbegin()->first;
      int base = 0;
      for (int slot = head;; slot = next_free[slot]) {
        if (slot < 0) {  // no free slot fits: open new ones past the end
          base = static_cast<int>(units_.size());
          break;
        }
        if (slot - lowest < 1) continue;
        base = slot - lowest;
        bool fits = true;
        for (auto& kid : kids) {
          size_t at = static_cast<size_t>(base) + kid.first;
          if (at < units_.size() && units_[at].check != -1) {
            fits = false;
            break;
          }
        }
        if (fits) break;
      }
      grow(static_cast<size_t>(base) + highest + 1);
      units_[pos].base = base;
      for (auto& [label, child] : kids) {
        int at = base + label;
        units_[at].check = pos;
        units_[at].value = value[child];
        units_[at].score = score[child];
        queue.emplace_back(child, at);
      }
      // Unlink the slots just taken (one pass over the free list from its head).
      for (int prev = -1, slot = head; slot >= 0;) {
        int after = next_free[slot];
        if (units_[slot].check != -1) take(slot, prev);
        else prev = slot;
        if (slot > base + highest) break;
        slot = after;
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
