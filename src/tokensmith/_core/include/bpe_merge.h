// Byte-pair merging of one piece: from one id per byte, repeatedly merge the adjacent pair of
// lowest rank, the leftmost on ties (src/tokensmith/_reference/bpe.py::merge_piece).
//
// Short pieces use an array scan (quadratic, but the array fits in a cache line or two). Long
// pieces use a linked list and a queue of candidate pairs by rank (bpe_rank_queue.h), so that a
// megabyte of one repeated character costs a small multiple of what prose does per byte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bpe_maps.h"
#include "bpe_rank_queue.h"

namespace tokensmith {
namespace bpe {

// What merging needs: the pair table, the id of each byte, and the first round of pair lookups
// (byte, byte) precomputed in a dense 256 x 256 array, which stays in cache.
struct MergeRules {
  PairTable pairs;
  uint32_t rank_count = 0;  // ranks are dense: every rank in pairs is < rank_count
  bool concatenating = false;  // every merge makes the token whose bytes are its two tokens' bytes
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

// Pieces with at least this many bytes take the linked-list path (merge_long).
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

// A min-heap of 64-bit keys with four children per node: half the depth of a binary heap, and
// the children of a node share a cache line.
class QuadHeap {
 public:
  void clear() { a_.clear(); }
  bool empty() const { return a_.empty(); }
  void push_unordered(uint64_t v) { a_.push_back(v); }
  void heapify() {
    for (size_t i = a_.size() / 4 + 1; i-- > 0;) sift_down(i);
  }
  void push(uint64_t v) {
    a_.push_back(v);
    size_t i = a_.size() - 1;
    while (i > 0) {
      size_t parent = (i - 1) / 4;
      if (a_[parent] <= v) break;
      a_[i] = a_[parent];
      i = parent;
    }
    a_[i] = v;
  }
  uint64_t pop() {
    uint64_t top = a_[0];
    a_[0] = a_.back();
    a_.pop_back();
    if (!a_.empty()) sift_down(0);
    return top;
  }

 private:
  void sift_down(size_t i) {
    size_t n = a_.size();
    if (i >= n) return;
    uint64_t v = a_[i];
    for (;;) {
      size_t c = 4 * i + 1;
      if (c >= n) break;
      size_t best = c, end = c + 4 < n ? c + 4 : n;
      for (size_t k = c + 1; k < end; ++k)
        if (a_[k] < a_[best]) best = k;
      if (a_[best] >= v) break;
      a_[i] = a_[best];
      i = best;
    }
    a_[i] = v;
  }
  std::vector<uint64_t> a_;
};

// Reusable buffers, one set per thread.
struct MergeScratch {
  PairMemo memo;
  std::vector<uint32_t> ids;
  std::vector<uint64_t> pairs;  // rank << 32 | merged of (ids[i], ids[i + 1])
  struct Node {
    uint32_t id, prev, next;
    uint64_t pair;  // rank << 32 | merged of the pair (this, next); kNoMerge if none or dead
  };
  std::vector<Node> nodes;
  RankQueue queue;              // candidate positions by rank
  std::vector<uint32_t> batch;  // the positions of the rank being merged
  QuadHeap heap;                // rank << 32 | position, once a merge created a pair of lower rank
};

inline uint32_t rank_of(uint64_t packed) { return uint32_t(packed >> 32); }

// Appends the merged ids of bytes p[0..n) to out. last_pair_stays: the caller knows that two
// ids covering the whole piece never merge (the piece is not a token, and every merge makes the
// token of its bytes), which saves the lookup of that pair.
inline void merge_short(const MergeRules& rules, const uint8_t* p, size_t n, MergeScratch& s,
                        std::vector<uint32_t>& out, bool last_pair_stays) {
  const PairTable& table = rules.pairs;
  s.ids.resize(n);
  s.pairs.resize(n);
  uint32_t* ids = s.ids.data();
  uint64_t* pairs = s.pairs.data();
  for (size_t i = 0; i < n; ++i) ids[i] = rules.byte_id[p[i]];
  for (size_t i = 0; i + 1 < n; ++i) pairs[i] = rules.find_bytes(p[i], p[i + 1]);
  size_t m = n;
  const size_t done = last_pair_stays ? 2 : 1;
  while (m > done) {
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
    // (Plain loops: a few elements, cheaper than calls to memmove.)
    for (size_t i = best + 1; i + 1 < m; ++i) ids[i] = ids[i + 1];
    for (size_t i = best + 1; i + 2 < m; ++i) pairs[i] = pairs[i + 1];
    --m;
    if (m == done) break;
    if (best + 1 < m) pairs[best] = s.memo.find(table, ids[best], ids[best + 1]);
    if (best > 0) pairs[best - 1] = s.memo.find(table, ids[best - 1], ids[best]);
  }
  out.insert(out.end(), ids, ids + m);
}

// Same result as merge_short, in about linear time when ranks grow with each merge. The queue
// holds (rank, position of the left node); popping the lowest rank gives its positions left to
// right. Entries are not removed when a merge changes a pair: each node keeps its current pair,
// and a queued entry counts only if that pair still has the entry's rank (then it is a current
// candidate, and the lowest, leftmost one); every changed pair is queued again.
inline void merge_long(const MergeRules& rules, const uint8_t* p, size_t n, MergeScratch& s,
                       std::vector<uint32_t>& out) {
  const PairTable& table = rules.pairs;
  using Node = MergeScratch::Node;
  constexpr uint32_t kNil = UINT32_MAX;
  constexpr uint64_t kNone = PairTable::kNoMerge;
  s.nodes.resize(n);
  Node* nodes = s.nodes.data();
  RankQueue& queue = s.queue;
  QuadHeap& heap = s.heap;
  std::vector<uint32_t>& batch = s.batch;
  queue.reset(rules.rank_count);
  heap.clear();
  for (size_t i = 0; i < n; ++i) {
    uint64_t hit = i + 1 < n ? rules.find_bytes(p[i], p[i + 1]) : kNone;
    nodes[i] = Node{rules.byte_id[p[i]], i ? uint32_t(i - 1) : kNil, i + 1 < n ? uint32_t(i + 1) : kNil, hit};
    if (hit != kNone) queue.push(rank_of(hit), uint32_t(i));
  }
  bool by_rank = true;  // ranks so far only grew: the rank queue is in use, else the heap
  uint32_t rank = 0;    // of the batch being merged
  size_t next_in_batch = 0;
  auto to_heap = [&]() {  // a merge created a pair of rank not above the current one
    by_rank = false;
    for (size_t k = next_in_batch; k < batch.size(); ++k) heap.push_unordered(uint64_t(rank) << 32 | batch[k]);
    queue.drain([&](uint32_t rank, uint32_t pos) { heap.push_unordered(uint64_t(rank) << 32 | pos); });
    heap.heapify();
  };
  auto set_pair = [&](uint32_t pos) {
    Node& node = nodes[pos];
    uint64_t hit = node.next == kNil ? kNone : s.memo.find(table, node.id, nodes[node.next].id);
    node.pair = hit;
    if (hit == kNone) return;
    if (by_rank && queue.push(rank_of(hit), pos)) return;
    if (by_rank) to_heap();
    heap.push(uint64_t(rank_of(hit)) << 32 | pos);
  };
  auto merge_at = [&](uint32_t pos) {
    Node& left = nodes[pos];
    Node& right = nodes[left.next];
    left.id = uint32_t(left.pair);
    left.next = right.next;
    right.pair = kNone;
    if (left.next != kNil) nodes[left.next].prev = pos;
    set_pair(pos);
    if (left.prev != kNil) set_pair(left.prev);
  };
  while (by_rank && queue.pop(rank, batch)) {
    for (size_t k = 0; k < batch.size() && by_rank; ++k) {
      uint32_t pos = batch[k];
      if (rank_of(nodes[pos].pair) != rank) continue;  // stale entry
      next_in_batch = k + 1;
      merge_at(pos);
    }
  }
  while (!by_rank && !heap.empty()) {
    uint64_t key = heap.pop();
    uint32_t pos = uint32_t(key);
    if (rank_of(nodes[pos].pair) != uint32_t(key >> 32)) continue;  // stale entry
    merge_at(pos);
  }
  for (uint32_t i = 0; i != kNil; i = nodes[i].next) out.push_back(nodes[i].id);
}

inline void merge_bytes(const MergeRules& rules, const uint8_t* p, size_t n, MergeScratch& s,
                        std::vector<uint32_t>& out, bool last_pair_stays = false) {
  if (n < kHeapMergeMinBytes)
    merge_short(rules, p, n, s, out, last_pair_stays);
  else
    merge_long(rules, p, n, s, out);
}

}  // namespace bpe
}  // namespace tokensmith
