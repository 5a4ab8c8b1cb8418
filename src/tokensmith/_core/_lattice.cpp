// Unigram lattice kernel: a double-array trie of the pieces (double_array.h), Viterbi, k-best and forward-filtering
// backward-sampling. The readable twin is tokensmith/_reference/lattice.py; tests compare both,
// including the tie-breaks (first candidate wins: starts left to right, pieces shortest first,
// the unknown edge last). Unknown edges (no single-character piece at a position) carry id -1.
// Viterbi sums in double (HF tokenizers) or, after set_float32_sums(true), in float as
// SentencePiece does (its near-ties then fall the same way).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "double_array.h"
#include "py_bytes.h"
#include "spm_encoder.h"
#include "gil.h"

namespace py = pybind11;
using tokensmith::spm::WordCache;

namespace {

constexpr double NEG_INF = -std::numeric_limits<double>::infinity();

int char_length(unsigned char first) {
    if (first < 0xC0) return 1;
    if (first < 0xE0) return 2;
    if (first < 0xF0) return 3;
    return 4;
}

struct Edge {
    int start, end, id;
    double score;
};

class LatticeCore {
  public:
    LatticeCore(const std::vector<py::bytes>& tokens, const std::vector<double>& scores,
                const std::vector<bool>& in_lattice, double unk_score)
        : unk_score_(unk_score) {
        if (tokens.size() != scores.size() || tokens.size() != in_lattice.size())
            throw std::invalid_argument("tokens, scores and in_lattice differ in length");
        std::vector<std::string_view> keys;  // views into `tokens`, alive during the build
        std::vector<int> ids;
        std::vector<double> key_scores;
        lengths_.reserve(tokens.size());
        for (size_t i = 0; i < tokens.size(); ++i) {
            const std::string_view token = tokensmith::bytes_view(tokens[i], "tokens must be bytes");
            lengths_.push_back(token.size());
            if (!in_lattice[i]) continue;
            keys.push_back(token);
            ids.push_back(static_cast<int>(i));
            key_scores.push_back(scores[i]);
        }
        trie_.build(keys, ids, key_scores);
    }

    // Every edge of the lattice of text, grouped by start, in the reference's order.
    std::vector<Edge> edges(const std::string& text) const {
        std::vector<Edge> out;
        size_t n = text.size();
        for (size_t start = 0; start < n;) {
            size_t step = std::min<size_t>(char_length(static_cast<unsigned char>(text[start])), n - start);
            bool single = false;
            trie_.prefixes(text, start, [&](size_t end, int id, double score) {
                out.push_back({static_cast<int>(start), static_cast<int>(end), id, score});
                single |= end == start + step;
            });
            if (!single)
                out.push_back({static_cast<int>(start), static_cast<int>(start + step), -1, unk_score_});
            start += step;
        }
        return out;
    }

    struct ViterbiBuffers {
        std::vector<double> best;
        std::vector<int> back_start, back_id;
        std::vector<char> reached;
    };

    std::vector<int> viterbi(const std::string& text) const {
        ViterbiBuffers buffers;
        std::vector<int> ids;
        viterbi_into(text, buffers, ids);
        return ids;
    }

    // Appends the best path's ids (-1 for unknown edges) to ids.
    void viterbi_into(std::string_view text, ViterbiBuffers& b, std::vector<int>& ids) const {
        if (float32_sums_)
            viterbi_into_t<true>(text, b, ids);
        else
            viterbi_into_t<false>(text, b, ids);
    }

    template <bool Float32>
    void viterbi_into_t(std::string_view text, ViterbiBuffers& b, std::vector<int>& ids) const {
        size_t n = text.size();
        b.best.assign(n + 1, NEG_INF);
        b.back_start.assign(n + 1, -1);
        b.back_id.assign(n + 1, 0);
        b.reached.assign(n + 1, 0);
        b.best[0] = 0.0;
        b.reached[0] = 1;
        for (size_t start = 0; start < n;) {
            size_t step = std::min<size_t>(char_length(static_cast<unsigned char>(text[start])), n - start);
            if (b.reached[start]) {
                bool single = false;
                double base = b.best[start];
                auto relax = [&](size_t end, int id, double score) {
                    double candidate = Float32 ? double(float(base) + float(score)) : base + score;
                    if (!b.reached[end] || candidate > b.best[end]) {
                        b.reached[end] = 1;
                        b.best[end] = candidate;
                        b.back_start[end] = static_cast<int>(start);
                        b.back_id[end] = id;
                    }
                };
                trie_.prefixes(text, start, [&](size_t end, int id, double score) {
                    relax(end, id, score);
                    single |= end == start + step;
                });
                if (!single) relax(start + step, -1, unk_score_);
            }
            start += step;
        }
        size_t first = ids.size();
        for (int pos = static_cast<int>(n); pos > 0; pos = b.back_start[pos]) ids.push_back(b.back_id[pos]);
        std::reverse(ids.begin() + first, ids.end());
    }

    // -- whole texts (spm_encoder.h): words cached per thread, unknown characters resolved ------
    struct Scratch {
        ViterbiBuffers buffers;
        std::vector<int> raw;
        WordCache cache{1 << 13};  // 8,192 words (16 KB of probes): a miss costs one Viterbi
    };

    void set_unknown(int unk_id, const std::vector<int>& byte_ids, bool fuse_unk, bool split_words) {
        unk_id_ = unk_id;
        byte_ids_ = byte_ids;
        fuse_unk_ = fuse_unk;
        split_words_ = split_words;
    }

    void set_float32_sums(bool on) {
        float32_sums_ = on;
        clear_cache();
    }

    uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
    void clear_cache() { generation_.fetch_add(1, std::memory_order_relaxed); }

    void segment(std::string_view piece, std::vector<int>& out, Scratch& s) const {
        s.raw.clear();
        if (split_words_) {
            uint64_t gen = generation();
            tokensmith::spm::for_each_word(piece, [&](std::string_view word) {
                size_t count = 0;
                const int* hit = s.cache.find(word, count, gen);
                if (hit) {
                    s.raw.insert(s.raw.end(), hit, hit + count);
                    return;
                }
                size_t first = s.raw.size();
                viterbi_into(word, s.buffers, s.raw);
                s.cache.insert(word, s.raw.data() + first, s.raw.size() - first);
            });
        } else {
            viterbi_into(piece, s.buffers, s.raw);
        }
        if (std::find(s.raw.begin(), s.raw.end(), -1) == s.raw.end()) {  // no unknown edge
            out.insert(out.end(), s.raw.begin(), s.raw.end());
            return;
        }
        size_t first = out.size(), pos = 0;
        for (int id : s.raw) {
            if (id >= 0) {
                out.push_back(id);
                pos += lengths_[id];
                continue;
            }
            size_t width = std::min<size_t>(char_length(static_cast<unsigned char>(piece[pos])), piece.size() - pos);
            if (!byte_ids_.empty()) {
                for (size_t k = 0; k < width; ++k) out.push_back(byte_ids_[static_cast<unsigned char>(piece[pos + k])]);
            } else if (!(fuse_unk_ && out.size() > first && out.back() == unk_id_)) {
                out.push_back(unk_id_);
            }
            pos += width;
        }
    }

    // Up to n best paths, best first; equal scores keep discovery order (stable sort).
    std::vector<std::pair<std::vector<int>, double>> nbest(const std::string& text, size_t n_best) const {
        struct Entry {
            double score;
            int prev_pos, prev_rank, id;
        };
        size_t n = text.size();
        if (n == 0) return {{{}, 0.0}};
        std::vector<Edge> all = edges(text);
        std::vector<std::vector<Entry>> tops(n + 1);
        tops[0].push_back({0.0, -1, -1, 0});
        size_t e = 0;
        for (size_t start = 0; start < n; ++start) {
            size_t first = e;
            while (e < all.size() && all[e].start == static_cast<int>(start)) ++e;
            for (size_t r = 0; r < tops[start].size(); ++r)
                for (size_t k = first; k < e; ++k)
                    tops[all[k].end].push_back({tops[start][r].score + all[k].score,
                                                static_cast<int>(start), static_cast<int>(r), all[k].id});
            auto& next = tops[start + 1];
            std::stable_sort(next.begin(), next.end(),
                             [](const Entry& a, const Entry& b) { return a.score > b.score; });
            if (next.size() > n_best) next.resize(n_best);
        }
        std::vector<std::pair<std::vector<int>, double>> out;
        for (const Entry& last : tops[n]) {
            std::vector<int> ids;
            int pos = static_cast<int>(n), rank = -1;
            const Entry* entry = &last;
            while (true) {
                ids.push_back(entry->id);
                pos = entry->prev_pos;
                rank = entry->prev_rank;
                if (pos <= 0) break;
                entry = &tops[pos][rank];
            }
            std::reverse(ids.begin(), ids.end());
            out.emplace_back(std::move(ids), last.score);
        }
        return out;
    }

    // One path drawn with probability exp(alpha * score) / Z over the whole lattice.
    std::vector<int> sample(const std::string& text, double alpha, uint64_t seed) const {
        size_t n = text.size();
        if (n == 0) return {};
        std::vector<Edge> all = edges(text);
        std::vector<double> log_z(n + 1, NEG_INF);
        log_z[0] = 0.0;
        for (const Edge& edge : all) {  // edges come by increasing start: log_z[start] is final
            if (log_z[edge.start] == NEG_INF) continue;
            double v = log_z[edge.start] + alpha * edge.score;
            double& acc = log_z[edge.end];
            if (acc == NEG_INF) acc = v;
            else acc = std::max(acc, v) + std::log1p(std::exp(-std::fabs(acc - v)));
        }
        std::vector<std::vector<const Edge*>> into(n + 1);
        for (const Edge& edge : all) into[edge.end].push_back(&edge);
        std::mt19937_64 rng(seed);
        std::vector<int> ids;
        std::vector<double> weights;
        for (size_t pos = n; pos > 0;) {
            weights.clear();
            double total = 0.0;
            for (const Edge* edge : into[pos]) {
                double w = std::exp(log_z[edge->start] + alpha * edge->score - log_z[pos]);
                weights.push_back(w);
                total += w;
            }
            double r = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0) * total;
            size_t chosen = weights.size() - 1;
            for (size_t k = 0; k < weights.size(); ++k) {
                r -= weights[k];
                if (r < 0) {
                    chosen = k;
                    break;
                }
            }
            ids.push_back(into[pos][chosen]->id);
            pos = into[pos][chosen]->start;
        }
        std::reverse(ids.begin(), ids.end());
        return ids;
    }

  private:
    tokensmith::DoubleArrayTrie trie_;
    double unk_score_;
    std::vector<size_t> lengths_;
    int unk_id_ = 0;
    std::vector<int> byte_ids_;
    bool fuse_unk_ = true, split_words_ = false, float32_sums_ = false;
    std::atomic<uint64_t> generation_{0};
};

}  // namespace

PYBIND11_MODULE(_lattice, m) {
    m.doc() = "Unigram lattice: trie, Viterbi, n-best and sampling (twin of _reference/lattice.py)";
    tokensmith::spm::bind_text_encoder<LatticeCore>(m, "UnigramTextEncoder");
    py::class_<LatticeCore>(m, "LatticeCore")
        .def(py::init<const std::vector<py::bytes>&, const std::vector<double>&, const std::vector<bool>&, double>())
        .def("viterbi", [](const LatticeCore& self, py::bytes text) {
            std::string data(text);
            tokensmith::spm::check_piece_length(data.size());
            std::vector<int> ids;
            {
                tokensmith::GilRelease release;
                ids = self.viterbi(data);
            }
            return ids;
        })
        .def("nbest", [](const LatticeCore& self, py::bytes text, size_t n) {
            std::string data(text);
            tokensmith::spm::check_piece_length(data.size());
            tokensmith::GilRelease release;
            return self.nbest(data, n);
        })
        .def("set_unknown", &LatticeCore::set_unknown, py::arg("unk_id"), py::arg("byte_ids"),
             py::arg("fuse_unk"), py::arg("split_words"))
        .def("clear_cache", &LatticeCore::clear_cache)
        .def("set_float32_sums", &LatticeCore::set_float32_sums, py::arg("on"))
        .def("text_encoder", [](const LatticeCore& self, const py::dict& spec) {
            return new tokensmith::spm::TextEncoder<LatticeCore>(self, tokensmith::spm::pipeline_from_spec(spec));
        }, py::keep_alive<0, 1>())
        .def("sample", [](const LatticeCore& self, py::bytes text, double alpha, uint64_t seed) {
            std::string data(text);
            tokensmith::spm::check_piece_length(data.size());
            tokensmith::GilRelease release;
            return self.sample(data, alpha, seed);
        });
}
