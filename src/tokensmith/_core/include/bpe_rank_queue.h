// The queue of candidate pairs of a long piece, grouped by rank: one bucket of positions per rank
// and a small heap of the ranks that have a bucket. Popping the lowest rank hands over all its
// positions at once, so a megabyte of one repeated character costs one append per candidate
// instead of a heap operation (or a radix heap's repeated redistribution) per candidate.
//
// Positions of a bucket are handed over in ascending order (sorted only if they were not pushed
// that way), which with the caller's staleness check is "lowest rank, leftmost first". Ranks must
// only grow: push() refuses a rank not above the one popped last, and the caller then moves
// everything to a general heap (drain()). In real vocabularies a merge creates pairs of later
// ranks, so that never happens there.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace tokensmith {
namespace bpe {

class RankQueue {
 public:
  // Ranks pushed must be < rank_count.
  void reset(size_t rank_count) {
    if (head_.size() < rank_count || dirty_) head_.assign(std::max(rank_count, head_.size()), 0);
    dirty_ = true;  // until the queue is found empty again (an exception may leave buckets behind)
    ranks_.clear();
    free_.clear();
    for (uint32_t i = 0; i < buckets_.size(); ++i) {
      buckets_[i].pos.clear();
      free_.push_back(i);
    }
    current_ = -1;
  }

  bool push(uint32_t rank, uint32_t pos) {
    if (int64_t(rank) <= current_) return false;
    uint32_t& h = head_[rank];
    if (h == 0) {
      h = acquire() + 1;
      push_rank(rank);
    }
    Bucket& b = buckets_[h - 1];
    if (!b.pos.empty() && pos < b.pos.back()) b.sorted = false;
    b.pos.push_back(pos);
    return true;
  }

  // The lowest rank and its positions, ascending (swapped into `positions`). False when empty.
  bool pop(uint32_t& rank, std::vector<uint32_t>& positions) {
    if (ranks_.empty()) {
      dirty_ = false;
      return false;
    }
    rank = pop_rank();
    current_ = rank;
    uint32_t i = head_[rank] - 1;
    head_[rank] = 0;
    Bucket& b = buckets_[i];
    if (!b.sorted) std::sort(b.pos.begin(), b.pos.end());
    positions.swap(b.pos);
    b.pos.clear();
    free_.push_back(i);
    return true;
  }

  // Every queued (rank, position), the queue left empty.
  template <class F>
  void drain(F&& f) {
    for (uint32_t rank : ranks_) {
      Bucket& b = buckets_[head_[rank] - 1];
      for (uint32_t pos : b.pos) f(rank, pos);
      b.pos.clear();
      head_[rank] = 0;
    }
    ranks_.clear();
    dirty_ = false;
  }

 private:
  struct Bucket {
    std::vector<uint32_t> pos;
    bool sorted = true;
  };

  uint32_t acquire() {
    uint32_t i;
    if (free_.empty()) {
      i = uint32_t(buckets_.size());
      buckets_.emplace_back();
    } else {
      i = free_.back();
      free_.pop_back();
    }
    buckets_[i].sorted = true;
    return i;
  }

  // ranks_ is a binary min-heap: it holds only the distinct ranks with a bucket, few next to the
  // number of positions.
  void push_rank(uint32_t rank) {
    ranks_.push_back(rank);
    std::push_heap(ranks_.begin(), ranks_.end(), std::greater<uint32_t>());
  }
  uint32_t pop_rank() {
    std::pop_heap(ranks_.begin(), ranks_.end(), std::greater<uint32_t>());
    uint32_t r = ranks_.back();
    ranks_.pop_back();
    return r;
  }

  std::vector<uint32_t> head_;  // rank -> bucket index + 1, 0 when the rank has no bucket
  std::vector<Bucket> buckets_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> ranks_;
  int64_t current_ = -1;  // the rank popped last
  bool dirty_ = false;
};

}  // namespace bpe
}  // namespace tokensmith
