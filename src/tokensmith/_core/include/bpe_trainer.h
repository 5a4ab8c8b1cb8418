// Byte-level BPE training over (pre-token, count): the merge loop.
//
// Same result as the readable reference (src/tokensmith/_reference/bpe_train.py), fast:
// * pair counts are updated incrementally, only around the places where a merge happens;
// * a pair -> words index says which words to visit for a merge (entries may be stale: a word
//   that lost the pair is visited and skipped);
// * the next merge comes from a max-heap with lazy invalidation: an entry holds the count the
//   pair had when pushed. Counts of existing pairs only go down (a merge only creates pairs that
//   involve the new token), so a popped entry whose count is still current is the true best;
//   a stale one is pushed again with its current count.
// * only pairs counted at least `threshold_` are in the heap; the rest wait in `low_`, a plain
//   list. When the heap runs dry the threshold drops to the count of about the K-th best waiting
//   pair and those pairs move to the heap. The heap stays small (the millions of rare pairs a
//   long training creates never enter it), and the order is unchanged: every pair in `low_`
//   counts less than every current pair in the heap.
//
// Order: highest count; ties -> smallest (left token bytes, right token bytes); a pair whose
// concatenation is already a token is never merged. Ids 0..255 are bytes, merge k makes 256 + k.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <queue>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace tokensmith {

// uint64 pair key -> uint32 index; open addressing, never deletes.
class PairIndexMap {
public:
    PairIndexMap() { rehash(1 << 16); }
    static constexpr uint32_t kNone = UINT32_MAX;

    uint32_t find(uint64_t key) const {
        size_t i = mix(key) & mask_;
        while (keys_[i] != kEmpty) {
            if (keys_[i] == key) return vals_[i];
            i = (i + 1) & mask_;
        }
        return kNone;
    }
    // Index for key, inserting next_value if absent (returns {index, inserted}).
    std::pair<uint32_t, bool> find_or_insert(uint64_t key, uint32_t next_value) {
        size_t i = mix(key) & mask_;
        while (keys_[i] != kEmpty) {
            if (keys_[i] == key) return {vals_[i], false};
            i = (i + 1) & mask_;
        }
        keys_[i] = key;
        vals_[i] = next_value;
        if (++size_ * 2 > keys_.size()) rehash(keys_.size() * 2);
        return {next_value, true};
    }

private:
    static constexpr uint64_t kEmpty = UINT64_MAX;
    static uint64_t mix(uint64_t k) {
        k ^= k >> 33;
        k *= 0xFF51AFD7ED558CCDull;
        k ^= k >> 33;
        return k;
    }
    void rehash(size_t capacity) {
        std::vector<uint64_t> old_keys(capacity, kEmpty);
        std::vector<uint32_t> old_vals(capacity);
        old_keys.swap(keys_);
        old_vals.swap(vals_);
        mask_ = capacity - 1;
        for (size_t j = 0; j < old_keys.size(); ++j) {
            if (old_keys[j] == kEmpty) continue;
            size_t i = mix(old_keys[j]) & mask_;
            while (keys_[i] != kEmpty) i = (i + 1) & mask_;
            keys_[i] = old_keys[j];
            vals_[i] = old_vals[j];
        }
    }
    std::vector<uint64_t> keys_;
    std::vector<uint32_t> vals_;
    size_t size_ = 0, mask_ = 0;
};

class BPETrainer {
public:
    // Adds one pre-token (its bytes) seen `count` times. Words shorter than 2 bytes hold no pair.
    void add_word(std::string_view bytes, uint64_t count) {
        if (bytes.size() < 2 || count == 0) return;
        if (arena_.size() + kHeader + bytes.size() > UINT32_MAX)
            throw std::length_error("too many distinct pre-token bytes for one training (> 16 GB)");
        arena_.push_back(static_cast<uint32_t>(bytes.size()));
        arena_.push_back(static_cast<uint32_t>(count));
        arena_.push_back(static_cast<uint32_t>(count >> 32));
        for (unsigned char c : bytes) arena_.push_back(c);
        num_words_ += 1;
        num_syms_ += bytes.size();
    }

    size_t num_words() const { return num_words_; }

    // Resume: these merges are applied first, in order, exactly as if training had chosen them
    // (they make ids 256, 257, ...); train() then returns only the merges after them.
    void resume_from(std::vector<std::pair<uint32_t, uint32_t>> merges) { start_ = std::move(merges); }

    // A pair whose merged bytes `allowed` rejects is never merged (dropped for good, like a pair
    // whose bytes are already a token: a pair's bytes never change, so neither does the answer).
    void refuse_unless(std::function<bool(const std::string&)> allowed) { allowed_ = std::move(allowed); }

    // Runs the merge loop; `on_progress(done)` is called every `every` merges and may return
    // false to stop. Returns the merges (left id, right id) in order.
    template <class Progress>
    std::vector<std::pair<uint32_t, uint32_t>> train(size_t num_merges, uint64_t min_frequency,
                                                     size_t every, Progress&& on_progress) {
        min_freq_ = std::max<uint64_t>(min_frequency, 1);
        num_merges = std::min(num_merges, num_syms_);  // each merge removes a symbol or more
        tokens_.clear();
        tokens_.reserve(256 + start_.size() + num_merges);  // known_ views point into tokens_
        for (int b = 0; b < 256; ++b) tokens_.emplace_back(1, static_cast<char>(b));
        for (const std::string& t : tokens_) prefixes_.push_back(prefix_of(t));
        for (const std::string& t : tokens_) known_.insert(t);
        for (const auto& [a, b] : start_) {  // resuming: the given merges make ids 256, 257, ...
            tokens_.push_back(tokens_[a] + tokens_[b]);
            prefixes_.push_back(prefix_of(tokens_.back()));
            known_.insert(tokens_.back());
        }
        apply_start_merges();
        count_initial_pairs();

        std::vector<std::pair<uint32_t, uint32_t>> merges;
        merges.reserve(num_merges);
        while (merges.size() < num_merges) {
            uint32_t best;
            if (!pop_best(best)) break;
            const uint32_t a = pairs_[best].left, b = pairs_[best].right;
            const uint32_t c = static_cast<uint32_t>(tokens_.size());
            tokens_.push_back(tokens_[a] + tokens_[b]);
            prefixes_.push_back(prefix_of(tokens_.back()));
            known_.insert(tokens_.back());
            merges.emplace_back(a, b);
            apply_merge(best, c);
            if (every && merges.size() % every == 0 && !on_progress(merges.size())) break;
        }
        return merges;
    }

private:
    // Words live in one array, each as [length, count low, count high, symbols...] (the
    // symbols shrink in place as merges apply); a word's id is the offset of its header, so a
    // visit touches one place in memory.
    static constexpr size_t kHeader = 3;
    uint64_t word_count(uint32_t w) const { return arena_[w + 1] | (uint64_t(arena_[w + 2]) << 32); }
    struct Pair {
        uint32_t left, right;
        int64_t count;
        uint64_t step;                // last merge step that pushed this pair (dedupes pushes)
        std::vector<uint32_t> words;  // words that hold (or held) the pair
    };
    // The heap compares entries without leaving them on most ties: the first 8 bytes of both
    // tokens ride along (big-endian, zero-padded; equal prefixes fall back to the full bytes).
    struct HeapEntry {
        int64_t count;
        uint64_t left_prefix, right_prefix;
        uint32_t pair, left;
    };

    static uint64_t key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

    uint32_t pair_index(uint32_t a, uint32_t b) {
        auto [idx, inserted] = map_.find_or_insert(key(a, b), static_cast<uint32_t>(pairs_.size()));
        if (inserted) pairs_.push_back(Pair{a, b, 0, UINT64_MAX, {}});
        return idx;
    }

    // Is x a better merge than y? (count, then bytes.)
    bool better(const HeapEntry& x, const HeapEntry& y) const {
        if (x.count != y.count) return x.count > y.count;
        if (x.left_prefix != y.left_prefix) return x.left_prefix < y.left_prefix;
        if (x.left == y.left && x.right_prefix != y.right_prefix) return x.right_prefix < y.right_prefix;
        const Pair &px = pairs_[x.pair], &py = pairs_[y.pair];
        if (px.left != py.left) return tokens_[px.left] < tokens_[py.left];
        return tokens_[px.right] < tokens_[py.right];
    }
    struct Worse {
        const BPETrainer* t;
        bool operator()(const HeapEntry& x, const HeapEntry& y) const { return t->better(y, x); }
    };

    // Applies start_ to every word before any pair is counted: per word, the lowest-ranked merge
    // present, at all its places left to right, then the next. That gives the same symbols as
    // applying each merge to all words in turn (a merge only creates pairs of later merges), at
    // a cost per word instead of per merge. The arena is then compacted (words only shrank).
    void apply_start_merges() {
        if (start_.empty()) return;
        PairIndexMap rank;
        for (uint32_t k = 0; k < start_.size(); ++k) rank.find_or_insert(key(start_[k].first, start_[k].second), k);
        std::vector<uint32_t> r, from;  // rank of the pair at i; old place of a kept symbol
        std::vector<char> fresh;        // symbol made by this step's merge
        size_t write = 0;
        for (size_t read = 0; read < arena_.size();) {
            const uint32_t len = arena_[read];
            uint32_t* s = &arena_[read + kHeader];
            uint32_t n = len;
            r.resize(n);
            from.resize(n);
            fresh.resize(n);
            for (uint32_t i = 0; i + 1 < n; ++i) r[i] = rank.find(key(s[i], s[i + 1]));
            while (n >= 2) {
                const uint32_t best = *std::min_element(r.begin(), r.begin() + (n - 1));
                if (best == PairIndexMap::kNone) break;
                const uint32_t a = start_[best].first, b = start_[best].second, c = 256 + best;
                uint32_t out = 0;
                for (uint32_t i = 0; i < n; ++out) {
                    fresh[out] = i + 1 < n && s[i] == a && s[i + 1] == b;
                    from[out] = i;
                    s[out] = fresh[out] ? c : s[i];
                    i += fresh[out] ? 2 : 1;
                }
                // only pairs next to a new symbol change rank (from[j] >= j: read before written)
                for (uint32_t j = 0; j + 1 < out; ++j)
                    r[j] = fresh[j] || fresh[j + 1] ? rank.find(key(s[j], s[j + 1])) : r[from[j]];
                n = out;
            }
            arena_[write] = n;
            std::copy(arena_.begin() + read + 1, arena_.begin() + read + kHeader + n, arena_.begin() + write + 1);
            write += kHeader + n;
            read += kHeader + len;
        }
        arena_.resize(write);
    }

    void count_initial_pairs() {
        for (size_t w = 0; w < arena_.size(); w += kHeader + arena_[w]) {  // before any merge
            const uint32_t* s = &arena_[w + kHeader];
            const int64_t f = static_cast<int64_t>(word_count(static_cast<uint32_t>(w)));
            for (uint32_t i = 0; i + 1 < arena_[w]; ++i) {
                Pair& p = pairs_[pair_index(s[i], s[i + 1])];
                p.count += f;
                if (p.words.empty() || p.words.back() != w) p.words.push_back(static_cast<uint32_t>(w));
            }
        }
        for (uint32_t i = 0; i < pairs_.size(); ++i) wait(i);
        threshold_ = UINT64_MAX;  // the first pop_best fills the heap
    }

    // Puts pair i where its count says (heap or waiting list), or nowhere if too rare.
    void wait(uint32_t i) {
        const int64_t n = pairs_[i].count;
        if (n <= 0 || static_cast<uint64_t>(n) < min_freq_) return;
        if (static_cast<uint64_t>(n) >= threshold_) {
            const Pair& p = pairs_[i];
            heap_.push({n, prefixes_[p.left], prefixes_[p.right], i, p.left});
        }
        else low_.push_back(i);
    }

    // Lowers the threshold so that about K waiting pairs enter the heap. False if none waits.
    bool refill() {
        std::vector<uint32_t> keep;
        std::vector<int64_t> counts;
        for (uint32_t i : low_) {
            const int64_t n = pairs_[i].count;
            if (n > 0 && static_cast<uint64_t>(n) >= min_freq_) {
                keep.push_back(i);
                counts.push_back(n);
            }
        }
        if (keep.empty()) {
            std::vector<uint32_t>().swap(low_);
            return false;
        }
        const size_t k = std::min(counts.size(), std::max<size_t>(kRefill, counts.size() / 64));
        std::nth_element(counts.begin(), counts.begin() + (k - 1), counts.end(), std::greater<int64_t>());
        threshold_ = static_cast<uint64_t>(counts[k - 1]);
        low_.clear();
        for (uint32_t i : keep) wait(i);
        return true;
    }

    bool pop_best(uint32_t& best) {
        while (!heap_.empty() || refill()) {
            const HeapEntry top = heap_.top();
            heap_.pop();
            Pair& p = pairs_[top.pair];
            if (p.count != top.count) {  // stale: counts only went down since the push
                wait(top.pair);
                continue;
            }
            if (static_cast<uint64_t>(p.count) < min_freq_) return false;
            std::string joined = tokens_[p.left] + tokens_[p.right];
            // two splits of one token, or refused by the caller: never merged
            if (known_.count(joined) || (allowed_ && !allowed_(joined))) {
                std::vector<uint32_t>().swap(p.words);
                continue;
            }
            best = top.pair;
            return true;
        }
        return false;
    }

    void add(uint32_t a, uint32_t b, int64_t delta, uint32_t w, uint32_t c) {
        const uint32_t idx = pair_index(a, b);
        Pair& p = pairs_[idx];
        p.count += delta;
        if (p.count == 0) std::vector<uint32_t>().swap(p.words);  // no word holds it any more
        if (delta > 0 && (a == c || b == c)) {  // a new pair: index the word, queue for the heap
            if (p.words.empty() || p.words.back() != w) p.words.push_back(w);
            if (p.step != c) {
                p.step = c;
                touched_.push_back(idx);
            }
        }
    }

    // Replaces pair `best` by token c in every word holding it, updating neighbour pair counts.
    void apply_merge(uint32_t best, uint32_t c) {
        std::vector<uint32_t> visit;
        visit.swap(pairs_[best].words);
        const uint32_t a = pairs_[best].left, b = pairs_[best].right;
        touched_.clear();
        int64_t removed = 0;
        for (uint32_t w : visit) {
            uint32_t* s = &arena_[w + kHeader];
            const uint32_t n = arena_[w];
            const int64_t f = static_cast<int64_t>(word_count(w));
            uint32_t out = 0, i = 0;
            while (i < n) {
                if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                    if (out > 0) {
                        add(s[out - 1], a, -f, w, c);
                        add(s[out - 1], c, f, w, c);
                    }
                    if (i + 2 < n) {
                        add(b, s[i + 2], -f, w, c);
                        add(c, s[i + 2], f, w, c);
                    }
                    removed += f;
                    s[out++] = c;
                    i += 2;
                } else {
                    s[out++] = s[i++];
                }
            }
            arena_[w] = out;
        }
        pairs_[best].count -= removed;
        for (uint32_t idx : touched_) wait(idx);
    }

    using Heap = std::priority_queue<HeapEntry, std::vector<HeapEntry>, Worse>;
    static constexpr size_t kRefill = 2048;  // pairs moved to the heap per refill, at least

    static uint64_t prefix_of(const std::string& t) {
        uint64_t key = 0;
        for (size_t i = 0; i < 8; ++i)
            key = (key << 8) | (i < t.size() ? static_cast<unsigned char>(t[i]) : 0u);
        return key;
    }

    std::vector<uint32_t> arena_;  // the words (see kHeader)
    size_t num_words_ = 0, num_syms_ = 0;
    std::vector<std::string> tokens_;
    std::vector<std::pair<uint32_t, uint32_t>> start_;    // merges to resume from
    std::function<bool(const std::string&)> allowed_;     // refuses merges when set
    std::vector<uint64_t> prefixes_;  // first 8 bytes of each token, for the heap
    std::unordered_set<std::string_view> known_;
    PairIndexMap map_;
    std::vector<Pair> pairs_;
    std::vector<uint32_t> touched_;
    Heap heap_{Worse{this}};
    std::vector<uint32_t> low_;        // pairs counted below threshold_ (some may have dropped)
    uint64_t threshold_ = UINT64_MAX;  // pairs counted at least this are in the heap
    uint64_t min_freq_ = 2;
};

}  // namespace tokensmith
