// Byte-pair merging of one piece: from one id per byte, repeatedly merge the adjacent pair of
// lowest rank, the leftmost on ties (src/tokensmith/_reference/bpe.py::merge_piece).
//
// Short pieces use an array scan (quadratic, but the array fits in a cache line or two). Long
// pieces use a min-heap of candidate pairs over a linked list, O(n log n), so that a megabyte of
// one repeated character costs about what prose does per byte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bpe_maps.h"

namespace tokensmith {
namespace bpe {

// What merging needs: the pair table, the id of each byte, and the first round of pair lookups
// (byte, byte) precomputed in a dense 256 x 256 array, which stays in cache.
struct MergeRules {
  PairTable pairs;
  uint32_t byte_id[256];
  std::vector<uint64_t> byte_pairs;

  // Call once pairs and byte_id are filled.
  void finish() {
    byte_pairs.resize(256 * 256);
    for (int a = 0; a < 256; ++a)
      for (int b = 0; b < 256; ++b) byte_pairs[a << 8 | b] = pairs.find(byte_id[a], byte_id[b]);
  }
  inline uint64_t find_bytes(uint8_t a, uint8_t b) const { return byte_pairs[unsigned(a) << 8 | b]; }
};

// Pieces with at least this many bytes take the heap path.
constexpr size_t kHeapMergeMinBytes = 64;

// A small direct-mapped memo of pair lookups (misses included) in front of the pair table. The
// pairs one text keeps asking for are few; packed 16 bytes each they stay in the L2 cache, where
// the same pairs scattered over the multi-megabyte table would each cost a line from memory.
class PairMemo {
 public:
  static constexpr unsigned kBits = 14;

  inline uint64_t find(const PairTable& table, uint32_t left, uint32_t right) {
    if (slots_.empty()) slots_.assign(size_t(1) << kBits, Slot{~0ull, 0});
    uint64_t key = uint64_t(left) << 32 | right;
    Slot& s = slots_[size_t((key * 0x9E3779B97F4A7C15ull) >> (64 - kBits))];
    if (s.key != key) s = Slot{key, table.find(left, right)};
    return s.value;
  }

 private:
  struct Slot {
    uint64_t key, value;
  };
  std::vector<Slot> slots_;
};

// Reusable buffers, one set per thread.
struct MergeScratch {
  PairMemo memo;
  std::vector<uint32_t> ids;
  std::vector<uint64_t> pairs;  // rank << 32 | merged of (ids[i], ids[i + 1])
  struct Node {
    uint32_t id, prev, next, stamp;
  };
  struct Candidate {
    uint32_t rank, pos, stamp, merged;
  };
  std::vector<Node> nodes;
  std::vector<Candidate> heap;
};

inline uint32_t rank_of(uint64_t packed) { return uint32_t(packed >> 32); }

// Appends the merged ids of bytes p[0..n) to out.
inline void merge_short(const MergeRules& rules, const uint8_t* p, size_t n, MergeScratch& s,
                        std::vector<uint32_t>& out) {
  const PairTable& table = rules.pairs;
  s.ids.resize(n);
  s.pairs.resize(n);
  uint32_t* ids = s.ids.data();
  uint64_t* pairs = s.pairs.data();
  for (size_t i = 0; i < n; ++i) ids[i] = rules.byte_id[p[i]];
  for (size_t i = 0; i + 1 < n; ++i) pairs[i] = rules.find_bytes(p[i], p[i + 1]);
  size_t m = n;
  while (m > 1) {
    uint32_t best_rank = UINT32_MAX;  // never a real rank (checked at construction)
    size_t best = 0;
    for (size_t i = 0; i + 1 < m; ++i) {
      uint32_t r = rank_of(pairs[i]);
      if (r < best_rank) {
        best_rank = r;
        best = i;
      }
    }
    if (best_rank == UINT32_MAX) break;
    ids[best] = uint32_t(pairs[best]);
    // Drop ids[best + 1] and the pair that started there; the pairs touching best change.
    std::memmove(ids + best + 1, ids + best + 2, (m - best - 2) * sizeof(uint32_t));
    if (best + 2 < m) std::memmove(pairs + best + 1, pairs + best + 2, (m - best - 3) * sizeof(uint64_t));
    --m;
    if (best + 1 < m) pairs[best] = s.memo.find(table, ids[best], ids[best + 1]);
    if (best > 0) pairs[best - 1] = s.memo.find(table, ids[best - 1], ids[best]);
  }
  out.insert(out.end(), ids, ids + m);
}

// Same result as merge_short in O(n log n). A heap entry names its left node and that node's
// stamp when it was pushed; any change to the node or to its right neighbour bumps the stamp,
// so stale entries are recognised when popped. Order (rank, position) is "lowest rank, leftmost".
inline void merge_long(const MergeRules& rules, const uint8_t* p, size_t n, MergeScratch& s,
                       std::vector<uint32_t>& out) {
  const PairTable& table = rules.pairs;
  using Node = MergeScratch::Node;
  using Candidate = MergeScratch::Candidate;
  constexpr uint32_t kNil = UINT32_MAX;
  auto later = [](const Candidate& a, const Candidate& b) {  // std heaps are max-heaps
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
  };
  s.nodes.resize(n);
  Node* nodes = s.nodes.data();
  for (size_t i = 0; i < n; ++i)
    nodes[i] = Node{rules.byte_id[p[i]], i ? uint32_t(i - 1) : kNil, i + 1 < n ? uint32_t(i + 1) : kNil, 0};
  auto& heap = s.heap;
  heap.clear();
  auto candidate = [&](uint32_t pos, bool keep_heap) {
    uint64_t hit = s.memo.find(table, nodes[pos].id, nodes[nodes[pos].next].id);
    if (hit == PairTable::kNoMerge) return;
    heap.push_back(Candidate{rank_of(hit), pos, nodes[pos].stamp, uint32_t(hit)});
    if (keep_heap) std::push_heap(heap.begin(), heap.end(), later);
  };
  for (size_t i = 0; i + 1 < n; ++i) candidate(uint32_t(i), false);
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Candidate c = heap.back();
    heap.pop_back();
    Node& left = nodes[c.pos];
    if (left.stamp != c.stamp) continue;
    Node& right = nodes[left.next];
    right.stamp++;  // dead: its own pair entries are stale now
    left.id = c.merged;
    left.next = right.next;
    left.stamp++;
    if (left.next != kNil) {
      nodes[left.next].prev = c.pos;
      candidate(c.pos, true);
    }
    if (left.prev != kNil) {
      nodes[left.prev].stamp++;
      candidate(left.prev, true);
    }
  }
  for (uint32_t i = 0; i != kNil; i = nodes[i].next) out.push_back(nodes[i].id);
}

inline void merge_bytes(const MergeRules& rules, const uint8_t* p, size_t n, MergeScratch& s,
                        std::vector<uint32_t>& out) {
  if (n < kHeapMergeMinBytes)
    merge_short(rules, p, n, s, out);
  else
    merge_long(rules, p, n, s, out);
}

}  // namespace bpe
}  // namespace tokensmith
