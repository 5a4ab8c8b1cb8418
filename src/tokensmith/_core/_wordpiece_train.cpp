// WordPiece training kernel: the merge loop over words given as symbol ids.
//
// Must agree with the readable twin, src/tokensmith/_reference/wordpiece_train.py
// (train_frequency, train_likelihood).
//
// Symbols are strings (`tokens`); a merge of (a, b) makes the string a + b without b's
// continuation prefix. If that string is already a token its id is reused (as HF's trainer does):
// the words still change, the vocabulary does not grow. Training stops after `max_new` new tokens
// or when no pair is counted at least the threshold: `min_frequency`, or with `halving` half the
// top pair count at first, halved (down to `min_frequency`) whenever no pair is left.
//
// Order: frequency -> highest pair count, then smallest (left string, right string);
//        likelihood -> highest count(ab) / (count(a) count(b)), then highest count, then strings.
//
// The heap holds possibly stale entries. A pair is pushed when it ranks above its latest entry,
// and its latest entry is re-filed when it pops ranking below the pair, so every pair counted at
// least the threshold has an entry ranking at least where the pair does. Frequency: only counts
// that rise (pairs with the new token) push. Likelihood: a merge lowers count(a) and count(b),
// raising the score of every pair holding a or b (a list per symbol of the pairs counted at least
// the threshold); those are pushed. The heap is rebuilt when stale entries pile up.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <queue>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "bpe_trainer.h"  // PairIndexMap
#include "gil.h"

namespace py = pybind11;
using tokensmith::PairIndexMap;

namespace {

using Merge = std::tuple<uint32_t, uint32_t, uint32_t>;  // left, right, made

class Merger {
public:
    Merger(const uint32_t* syms, const uint32_t* lengths, const int64_t* counts, size_t num_words,
           std::vector<std::string> tokens, std::string prefix, bool likelihood)
        : tokens_(std::move(tokens)), prefix_(std::move(prefix)), likelihood_(likelihood) {
        for (uint32_t i = 0; i < tokens_.size(); ++i) id_.emplace(tokens_[i], i);
        unit_.assign(tokens_.size(), 0);
        size_t at = 0;
        for (size_t w = 0; w < num_words; at += lengths[w], ++w) {
            if (counts[w] <= 0) continue;
            for (uint32_t i = 0; i < lengths[w]; ++i) {
                if (syms[at + i] >= tokens_.size()) throw py::value_error("symbol id out of range");
                unit_[syms[at + i]] += counts[w];
            }
            if (lengths[w] < 2) continue;
            arena_.push_back(lengths[w]);
            arena_.push_back(static_cast<uint32_t>(counts[w]));
            arena_.push_back(static_cast<uint32_t>(static_cast<uint64_t>(counts[w]) >> 32));
            arena_.insert(arena_.end(), syms + at, syms + at + lengths[w]);
        }
    }

    // halving: start with pairs counted at least half the top count; when none is left, halve
    // that threshold (down to min_frequency) and go on.
    std::vector<Merge> train(size_t max_new, int64_t min_frequency, size_t min_rebuild, bool halving) {
        const int64_t floor = std::max<int64_t>(min_frequency, 1);
        min_rebuild_ = std::max<size_t>(min_rebuild, 1);
        min_freq_ = INT64_MAX;  // while counting: nothing listed yet
        for (size_t w = 0; w < arena_.size(); w += kHeader + arena_[w]) {
            const uint32_t* s = &arena_[w + kHeader];
            for (uint32_t i = 0; i + 1 < arena_[w]; ++i) add(s[i], s[i + 1], count_of(w), w, true);
        }
        int64_t top = 0;
        for (const Pair& p : pairs_) top = std::max(top, p.count);
        min_freq_ = halving ? std::max(floor, top / 2) : floor;
        relist();
        rebuild_heap();
        std::vector<Merge> merges;
        size_t made = 0;
        uint32_t best;
        while (made < max_new) {
            if (!pop_best(best)) {
                if (min_freq_ <= floor) break;
                min_freq_ = std::max(floor, min_freq_ / 2);
                relist();
                rebuild_heap();
                continue;
            }
            const uint32_t a = pairs_[best].left, b = pairs_[best].right;
            const std::string& tb = tokens_[b];
            const bool cont = tb.compare(0, prefix_.size(), prefix_) == 0;
            std::string joined = tokens_[a] + (cont ? tb.substr(prefix_.size()) : tb);
            auto found = id_.find(joined);
            uint32_t c;
            if (found != id_.end()) {
                c = found->second;
            } else {
                c = static_cast<uint32_t>(tokens_.size());
                id_.emplace(joined, c);
                tokens_.push_back(std::move(joined));
                unit_.push_back(0);
                made += 1;
            }
            merges.emplace_back(a, b, c);
            apply_merge(best, a, b, c);
            if (merges.size() % 1024 == 0) {
                py::gil_scoped_acquire acquire;
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            }
        }
        return merges;
    }

private:
    static constexpr size_t kHeader = 3;  // word: [length, count low, count high, symbols...]
    int64_t count_of(size_t w) const {
        return static_cast<int64_t>(arena_[w + 1] | (uint64_t(arena_[w + 2]) << 32));
    }

    struct Pair {
        uint32_t left, right;
        int64_t count = 0, pushed = 0;  // pushed, pushed_score: its latest heap entry
        double pushed_score = -1.0;
        uint64_t step = UINT64_MAX;     // last merge that touched it
        std::vector<uint32_t> words;    // words that hold (or held) it
    };
    struct Entry {
        double score;
        int64_t count;
        uint32_t pair;
    };

    double score(const Pair& p) const {
        if (!likelihood_) return 0.0;
        const unsigned __int128 units = static_cast<unsigned __int128>(unit_[p.left]) * unit_[p.right];
        return static_cast<double>(static_cast<long double>(p.count) / static_cast<long double>(units));
    }
    bool better(const Entry& x, const Entry& y) const {
        if (x.score != y.score) return x.score > y.score;
        if (x.count != y.count) return x.count > y.count;
        const Pair &px = pairs_[x.pair], &py = pairs_[y.pair];
        if (px.left != py.left) return tokens_[px.left] < tokens_[py.left];
        return tokens_[px.right] < tokens_[py.right];
    }
    struct Worse {
        const Merger* m;
        bool operator()(const Entry& x, const Entry& y) const { return m->better(y, x); }
    };

    uint32_t pair_index(uint32_t a, uint32_t b) {
        auto [idx, inserted] = map_.find_or_insert((uint64_t(a) << 32) | b, static_cast<uint32_t>(pairs_.size()));
        if (inserted) pairs_.push_back(Pair{a, b});
        return idx;
    }

    void add(uint32_t a, uint32_t b, int64_t delta, size_t w, bool index) {
        const uint32_t idx = pair_index(a, b);
        Pair& p = pairs_[idx];
        if (likelihood_ && p.count < min_freq_ && p.count + delta >= min_freq_) {  // (re)listed
            if (std::max(a, b) >= pairs_of_.size()) pairs_of_.resize(std::max(a, b) + 1);
            pairs_of_[a].push_back(idx);
            if (b != a) pairs_of_[b].push_back(idx);
        }
        p.count += delta;
        if (index && (p.words.empty() || p.words.back() != w)) p.words.push_back(static_cast<uint32_t>(w));
        touch(idx);
    }
    void touch(uint32_t idx) {
        if (pairs_[idx].step != step_) {
            pairs_[idx].step = step_;
            touched_.push_back(idx);
        }
    }

    void push(uint32_t idx) {
        Pair& p = pairs_[idx];
        if (p.count < min_freq_) return;
        p.pushed = p.count;
        p.pushed_score = score(p);
        heap_.push({p.pushed_score, p.count, idx});
    }
    // Pushes the pair if it now ranks above its latest entry (every pair counted at least
    // min_frequency has an entry ranking at least where the pair does now).
    void push_if_better(uint32_t idx) {
        const Pair& p = pairs_[idx];
        if (p.count < min_freq_) return;
        const double s = score(p);
        if (s > p.pushed_score || (s == p.pushed_score && p.count > p.pushed)) push(idx);
    }
    static void forget_entries(Pair& p) {
        p.pushed = 0;
        p.pushed_score = -1.0;
    }

    bool pop_best(uint32_t& best) {
        while (!heap_.empty()) {
            const Entry top = heap_.top();
            heap_.pop();
            Pair& p = pairs_[top.pair];
            const bool latest = top.score == p.pushed_score && top.count == p.pushed;
            if (p.count < min_freq_) {
                if (latest) forget_entries(p);  // a count that rises again is pushed again
                continue;
            }
            const Entry now{score(p), p.count, top.pair};
            if (now.score != top.score || now.count != top.count) {
                // Worse than its latest entry: re-file. Otherwise a better entry is in the heap.
                if (latest && better(top, now)) push(top.pair);
                continue;
            }
            best = top.pair;
            forget_entries(p);
            return true;
        }
        return false;
    }

    // One entry per pair counted at least min_frequency, at its current rank: drops the stale
    // entries (likelihood pushes every pair of a merged symbol again, most never reach the top).
    void rebuild_heap() {
        std::vector<Entry> entries;
        for (uint32_t idx = 0; idx < pairs_.size(); ++idx) {
            Pair& p = pairs_[idx];
            forget_entries(p);
            if (p.count < min_freq_) continue;
            p.pushed = p.count;
            p.pushed_score = score(p);
            entries.push_back({p.pushed_score, p.count, idx});
        }
        heap_ = Heap(Worse{this}, std::move(entries));
        rebuild_at_ = std::max(min_rebuild_, 3 * heap_.size());
    }

    // The per-symbol lists of pairs counted at least the threshold (likelihood).
    void relist() {
        if (!likelihood_) return;
        pairs_of_.assign(tokens_.size(), {});
        for (uint32_t idx = 0; idx < pairs_.size(); ++idx) {
            const Pair& p = pairs_[idx];
            if (p.count < min_freq_) continue;
            pairs_of_[p.left].push_back(idx);
            if (p.right != p.left) pairs_of_[p.right].push_back(idx);
        }
    }

    static bool holds(const uint32_t* s, uint32_t n, uint32_t a, uint32_t b) {
        for (uint32_t i = 0; i + 1 < n; ++i)
            if (s[i] == a && s[i + 1] == b) return true;
        return false;
    }

    // Replaces (a, b) by c, left to right, in every word holding it; pair counts follow.
    void apply_merge(uint32_t best, uint32_t a, uint32_t b, uint32_t c) {
        step_ += 1;
        touched_.clear();
        std::vector<uint32_t> visit;
        visit.swap(pairs_[best].words);
        for (uint32_t w : visit) {
            uint32_t* s = &arena_[w + kHeader];
            const uint32_t n = arena_[w];
            if (!holds(s, n, a, b)) continue;  // stale: an earlier merge took the pair away
            const int64_t f = count_of(w);
            for (uint32_t i = 0; i + 1 < n; ++i) add(s[i], s[i + 1], -f, w, false);
            for (uint32_t i = 0; i < n; ++i) unit_[s[i]] -= f;
            uint32_t out = 0;
            for (uint32_t i = 0; i < n; ++out) {
                const bool here = i + 1 < n && s[i] == a && s[i + 1] == b;
                s[out] = here ? c : s[i];
                i += here ? 2 : 1;
            }
            arena_[w] = out;
            for (uint32_t i = 0; i < out; ++i) unit_[s[i]] += f;
            for (uint32_t i = 0; i + 1 < out; ++i) add(s[i], s[i + 1], f, w, s[i] == c || s[i + 1] == c);
        }
        if (likelihood_) {  // count(a) and count(b) fell: every pair holding them scores higher
            for (uint32_t sym : {a, b}) {
                if (sym >= pairs_of_.size()) continue;
                std::vector<uint32_t>& list = pairs_of_[sym];
                for (size_t k = 0; k < list.size();) {
                    if (pairs_[list[k]].count < min_freq_) {  // too rare now: relisted if it rises
                        list[k] = list.back();
                        list.pop_back();
                    } else {
                        touch(list[k++]);
                    }
                }
            }
        }
        for (uint32_t idx : touched_) push_if_better(idx);
        if (heap_.size() > rebuild_at_) rebuild_heap();
    }

    std::vector<std::string> tokens_;
    std::unordered_map<std::string, uint32_t> id_;
    std::string prefix_;
    bool likelihood_;
    std::vector<int64_t> unit_;  // occurrences of each symbol
    std::vector<uint32_t> arena_;
    PairIndexMap map_;
    std::vector<Pair> pairs_;
    std::vector<std::vector<uint32_t>> pairs_of_;  // symbol -> pairs holding it (likelihood)
    std::vector<uint32_t> touched_;
    uint64_t step_ = 0;
    int64_t min_freq_ = 1;  // pairs counted less are not merged (now)
    using Heap = std::priority_queue<Entry, std::vector<Entry>, Worse>;
    Heap heap_{Worse{this}};
    size_t min_rebuild_ = 0, rebuild_at_ = 0;  // heap entries that trigger a rebuild
};

std::vector<Merge> train_merges(py::array_t<uint32_t, py::array::c_style | py::array::forcecast> syms,
                                py::array_t<uint32_t, py::array::c_style | py::array::forcecast> lengths,
                                py::array_t<int64_t, py::array::c_style | py::array::forcecast> counts,
                                std::vector<std::string> tokens, const std::string& prefix,
                                size_t max_new, int64_t min_frequency, const std::string& score,
                                size_t min_rebuild, bool halving) {
    if (score != "frequency" && score != "likelihood")
        throw py::value_error("score must be 'frequency' or 'likelihood'");
    if (lengths.size() != counts.size()) throw py::value_error("lengths and counts differ in size");
    uint64_t total = 0;
    for (py::ssize_t i = 0; i < lengths.size(); ++i) total += lengths.data()[i];
    if (total != static_cast<uint64_t>(syms.size())) throw py::value_error("lengths do not add up to the symbols");
    Merger merger(syms.data(), lengths.data(), counts.data(), static_cast<size_t>(lengths.size()),
                  std::move(tokens), prefix, score == "likelihood");
    tokensmith::GilRelease release;
    return merger.train(max_new, min_frequency, min_rebuild, halving);
}

}  // namespace

PYBIND11_MODULE(_wordpiece_train, m) {
    m.doc() = "WordPiece training: the merge loop (frequency or likelihood scores, ## continuations).";
    m.def("train_merges", &train_merges, py::arg("syms"), py::arg("lengths"), py::arg("counts"),
          py::arg("tokens"), py::arg("prefix"), py::arg("max_new"), py::arg("min_frequency"),
          py::arg("score"), py::arg("min_rebuild") = size_t(1) << 20, py::arg("halving") = false,
          "min_rebuild: least heap size at which stale entries are dropped (tests force rebuilds).\n"
          "Merges (left, right, made) in order; `made` >= len(tokens) are new tokens in order.");
}
