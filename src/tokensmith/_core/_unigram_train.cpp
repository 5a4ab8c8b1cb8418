// Unigram LM training kernel: word counting, seed substrings, E-step and pruning statistics.
//
// The readable twin is tokensmith/_reference/unigram_train.py (same methods, same results); the
// training loop that drives either one is tokensmith/models/unigram/em.py.
//
// Words ("segments": whitespace-separated words of the corpus, cut at characters outside the
// character coverage) are stored once each with their corpus frequency. Every vocabulary the
// trainer visits is a subset of the seed vocabulary, so the lattice of every segment (its edges:
// start, end, piece) is found once, with a hash of piece prefixes, and later vocabularies only
// drop edges. The E-step and Viterbi then never look a string up again.
//
// Threads: work is split into contiguous ranges of segments (or pieces); each thread writes its
// own partial sums, summed in a fixed order, so results do not depend on scheduling.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "string_counter.h"
#include "threads.h"
#include "gil.h"

namespace py = pybind11;

namespace {

constexpr char32_t kSpaceMarker = 0x2581;  // ▁
constexpr int kScriptInherited = -1;       // combining marks: take the previous character's script
constexpr int kScriptAny = -2;             // no constraint yet
constexpr uint64_t kMaxPositions = uint64_t(1) << 32;  // positions are uint32
constexpr size_t kMaxSegment = 8192;       // longer words are cut into chunks of this many chars
constexpr size_t kProbSpaceMaxLen = 48;    // shorter segments run forward-backward without logs
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Expected counts and the likelihood are summed in fixed point (units of 2^-32 and 2^-16), so
// their totals do not depend on how the segments were split between threads.
constexpr double kCountScale = 4294967296.0;
constexpr double kLikelihoodScale = 65536.0;

struct Edge {
    int32_t piece;
    uint16_t start;
    uint16_t end;
};

inline uint64_t hash_step(uint64_t h, uint32_t c) {
    h = (h ^ (c + 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    return h | 1;  // never 0: 0 marks an empty slot
}

// Runs f(begin, end, thread_index) over [0, n) cut into `threads` contiguous ranges.
template <class F>
void parallel_ranges(size_t n, int threads, F&& f) {
    threads = std::max(1, std::min<int>(threads, static_cast<int>(n / 64 + 1)));
    if (threads == 1) {
        f(size_t(0), n, 0);
        return;
    }
    tokensmith::ThreadGroup pool;
    for (int t = 0; t < threads; ++t) {
        size_t b = n * t / threads, e = n * (t + 1) / threads;
        if (!pool.spawn([&f, b, e, t] { f(b, e, t); })) f(b, e, t);  // refused: run it here
    }
    pool.join();
}

int effective_threads(size_t n, int threads) {
    return std::max(1, std::min<int>(threads, static_cast<int>(n / 64 + 1)));
}

py::str to_pystr(const char32_t* p, size_t n) {
    PyObject* o = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, p, static_cast<Py_ssize_t>(n));
    if (!o) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(o);
}

std::u32string from_pystr(const py::handle& h) {
    PyObject* o = h.ptr();
    if (!PyUnicode_Check(o)) throw py::type_error("expected str");
    Py_UCS4* buf = PyUnicode_AsUCS4Copy(o);
    if (!buf) throw py::error_already_set();
    std::u32string s(reinterpret_cast<char32_t*>(buf), static_cast<size_t>(PyUnicode_GET_LENGTH(o)));
    PyMem_Free(buf);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Word counting: UTF-8 text split on ASCII and Unicode whitespace, one count per distinct word.

inline size_t whitespace_len(const unsigned char* s, size_t i, size_t n) {
    unsigned char c = s[i];
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return 1;
    if (c == 0xC2 && i + 1 < n && (s[i + 1] == 0x85 || s[i + 1] == 0xA0)) return 2;
    if (c == 0xE1 && i + 2 < n && s[i + 1] == 0x9A && s[i + 2] == 0x80) return 3;  // U+1680
    if (c == 0xE2 && i + 2 < n) {
        unsigned char b = s[i + 1], d = s[i + 2];
        if (b == 0x80 && (d <= 0x8A || d == 0xA8 || d == 0xA9 || d == 0xAF)) return 3;
        if (b == 0x81 && d == 0x9F) return 3;  // U+205F
    }
    if (c == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80) return 3;  // U+3000
    return 0;
}

class WordCounter {
public:
    explicit WordCounter(int threads) : parts_(std::max(1, threads)) {}

    // Counts the words of `text` (a str, read as UTF-8), the parts on several threads.
    void add(const py::str& text) {
        Py_ssize_t size = 0;
        const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
        if (!data) throw py::error_already_set();
        tokensmith::GilRelease release;
        const auto* s = reinterpret_cast<const unsigned char*>(data);
        const size_t n = static_cast<size_t>(size);
        const int nt = static_cast<int>(parts_.size());
        std::vector<size_t> cut{0};
        for (int t = 1; t < nt; ++t) {  // cut at whitespace so that no word is split
            size_t c = std::max(cut.back(), n * t / nt);
            while (c < n && !whitespace_len(s, c, n)) ++c;
            cut.push_back(c);
        }
        cut.push_back(n);
        parallel_ranges(static_cast<size_t>(nt), nt, [&](size_t b, size_t e, int) {
            for (size_t t = b; t < e; ++t) count(s, cut[t], cut[t + 1], parts_[t]);
        });
    }

    // {word: count}, the words decoded from UTF-8.
    py::dict items() {
        for (size_t t = 1; t < parts_.size(); ++t) {
            parts_[0].merge_from(parts_[t]);
            parts_[t].clear();
        }
        py::dict out;
        parts_[0].for_each([&](std::string_view k, uint64_t c) {
            PyObject* w = PyUnicode_DecodeUTF8(k.data(), static_cast<Py_ssize_t>(k.size()), "strict");
            if (!w) throw py::error_already_set();
            out[py::reinterpret_steal<py::str>(w)] = py::int_(c);
        });
        return out;
    }

private:
    static void count(const unsigned char* s, size_t i, size_t n, tokensmith::StringCounter& counts) {
        while (i < n) {
            size_t w = whitespace_len(s, i, n);
            if (w) {
                i += w;
                continue;
            }
            size_t start = i;
            while (i < n && !whitespace_len(s, i, n)) ++i;
            counts.add(reinterpret_cast<const char*>(s) + start, i - start, 1);
        }
    }

    std::vector<tokensmith::StringCounter> parts_;
};

// ---------------------------------------------------------------------------------------------

class Engine {
public:
    // max_positions: the characters (and segment ends) the suffix array may index; positions,
    // suffix array intervals and segment ids are uint32, so never more than 2^32.
    Engine(const py::list& words, const std::vector<double>& freqs, const std::unordered_map<uint32_t, int>& scripts,
           int max_piece_length, int threads, uint64_t max_positions)
        : max_len_(max_piece_length), threads_(std::max(1, threads)) {
        if (static_cast<size_t>(py::len(words)) != freqs.size())
            throw py::value_error("words and freqs differ in length");
        if (max_len_ < 1 || max_len_ > 255) throw py::value_error("max_piece_length must be in 1..255");
        max_positions = std::min<uint64_t>(max_positions, kMaxPositions);
        for (size_t w = 0; w < freqs.size(); ++w) {
            std::u32string s = from_pystr(words[w]);
            for (size_t b = 0; b < s.size(); b += kMaxSegment) {
                size_t e = std::min(s.size(), b + kMaxSegment);
                if (text_.size() + (e - b) + 1 > max_positions)
                    throw py::value_error("the words hold more than " + std::to_string(max_positions) +
                                          " characters, more than the Unigram trainer's 32-bit suffix "
                                          "array indexes; train on a sample of the corpus");
                seg_start_.push_back(text_.size());
                seg_freq_.push_back(freqs[w]);
                for (size_t i = b; i < e; ++i) {
                    if (s[i] == 0) throw py::value_error("words must not contain NUL");
                    text_.push_back(s[i]);
                }
                text_.push_back(0);
            }
        }
        seg_start_.push_back(text_.size());
        // Longest valid piece starting at each position (script and ▁ rules, see valid_run).
        valid_len_.assign(text_.size(), 0);
        std::vector<int> script(text_.size(), kScriptAny);
        for (size_t i = 0; i < text_.size(); ++i) {
            auto it = scripts.find(text_[i]);
            script[i] = it == scripts.end() ? 0 : it->second;
        }
        for (size_t i = 0; i < text_.size(); ++i) valid_len_[i] = valid_run(i, script);
    }

    size_t num_segments() const { return seg_freq_.size(); }
    size_t num_pieces() const { return piece_off_.empty() ? 0 : piece_off_.size() - 1; }
    size_t num_edges() const { return edges_.size(); }

    // Substrings of 2+ characters that branch on the right (internal nodes of the suffix tree of
    // the word list, weighted by word frequency), best `freq * length` first.
    py::tuple seed(size_t seed_size) {
        std::vector<uint32_t> sa;
        std::vector<int> lcp;
        std::vector<double> cum;
        std::vector<Cand> cands;
        {
            tokensmith::GilRelease release;
            build_suffix_array(sa, lcp);
            cum.assign(sa.size() + 1, 0.0);
            std::vector<uint32_t> seg_of(text_.size());
            for (size_t s = 0; s + 1 < seg_start_.size(); ++s)
                for (size_t i = seg_start_[s]; i < seg_start_[s + 1]; ++i) seg_of[i] = static_cast<uint32_t>(s);
            for (size_t k = 0; k < sa.size(); ++k) cum[k + 1] = cum[k] + seg_freq_[seg_of[sa[k]]];
            // Bottom-up traversal of the lcp intervals: each popped (depth, left, right) is a node.
            std::vector<std::pair<int, size_t>> stack{{0, 0}};
            auto report = [&](int depth, size_t l, size_t r) {
                uint32_t pos = sa[l];
                if (depth < 2 || text_[pos + depth - 1] == 0 || depth > valid_len_[pos]) return;
                double freq = cum[r + 1] - cum[l];
                cands.push_back({pos, depth, freq * depth, static_cast<uint32_t>(l), static_cast<uint32_t>(r)});
            };
            for (size_t k = 1; k <= sa.size(); ++k) {
                int h = k < sa.size() ? lcp[k] : 0;
                size_t lb = k - 1;
                while (h < stack.back().first) {
                    auto [depth, left] = stack.back();
                    stack.pop_back();
                    report(depth, left, k - 1);
                    lb = left;
                }
                if (h > stack.back().first) stack.push_back({h, lb});
            }
            auto better = [&](const Cand& a, const Cand& b) {
                if (a.score != b.score) return a.score > b.score;
                return compare_text(a.pos, a.len, b.pos, b.len) < 0;
            };
            if (cands.size() > seed_size) {
                std::nth_element(cands.begin(), cands.begin() + seed_size, cands.end(), better);
                cands.resize(seed_size);
            }
            std::sort(cands.begin(), cands.end(), better);
        }
        seed_sa_.swap(sa);
        seed_cands_ = cands;
        seeded_ = true;
        py::list pieces;
        std::vector<double> scores;
        for (const Cand& c : cands) {
            pieces.append(to_pystr(&text_[c.pos], c.len));
            scores.push_back(c.score);
        }
        return py::make_tuple(pieces, py::array_t<double>(scores.size(), scores.data()));
    }

    // Sets the vocabulary to `chars` (every character of the words) followed by the substrings of
    // the last seed(), in that order, as set_pieces would; the edges come from the suffix array
    // (each seed is an interval of it: its occurrences) instead of string lookups.
    void set_seed_pieces(const py::list& chars) {
        if (!seeded_)
            throw py::value_error("set_seed_pieces: call seed() first");
        std::unordered_map<char32_t, int32_t> char_id;
        piece_chars_.clear();
        piece_off_.assign(1, 0);
        for (size_t i = 0; i < static_cast<size_t>(py::len(chars)); ++i) {
            std::u32string c = from_pystr(chars[i]);
            if (c.size() != 1 || !char_id.emplace(c[0], static_cast<int32_t>(i)).second)
                throw py::value_error("set_seed_pieces: chars must be distinct single characters");
            piece_chars_.push_back(c[0]);
            piece_off_.push_back(piece_chars_.size());
        }
        const int32_t nchars = static_cast<int32_t>(char_id.size());
        for (const Cand& c : seed_cands_) {
            piece_chars_.insert(piece_chars_.end(), text_.begin() + c.pos, text_.begin() + c.pos + c.len);
            piece_off_.push_back(piece_chars_.size());
        }
        tokensmith::GilRelease release;
        const size_t nseg = num_segments();
        std::vector<uint32_t> seg_of(text_.size(), 0);
        for (size_t s = 0; s < nseg; ++s)
            for (size_t i = seg_start_[s]; i < seg_start_[s + 1]; ++i) seg_of[i] = static_cast<uint32_t>(s);
        seg_edges_.assign(nseg + 1, 0);
        for (size_t s = 0; s < nseg; ++s) seg_edges_[s + 1] = seg_len(s);
        for (const Cand& c : seed_cands_)
            for (uint32_t k = c.left; k <= c.right; ++k) ++seg_edges_[seg_of[seed_sa_[k]] + 1];
        for (size_t s = 0; s < nseg; ++s) seg_edges_[s + 1] += seg_edges_[s];
        edges_.assign(seg_edges_[nseg], Edge{0, 0, 0});
        std::vector<uint64_t> fill(seg_edges_.begin(), seg_edges_.end() - 1);
        for (size_t s = 0; s < nseg; ++s)
            for (size_t i = 0; i < seg_len(s); ++i) {
                auto it = char_id.find(text_[seg_start_[s] + i]);
                if (it == char_id.end()) throw std::invalid_argument("set_seed_pieces: a character of the words is missing");
                edges_[fill[s]++] = Edge{it->second, static_cast<uint16_t>(i), static_cast<uint16_t>(i + 1)};
            }
        for (size_t j = 0; j < seed_cands_.size(); ++j) {
            const Cand& c = seed_cands_[j];
            for (uint32_t k = c.left; k <= c.right; ++k) {
                uint32_t pos = seed_sa_[k], s = seg_of[pos];
                uint16_t start = static_cast<uint16_t>(pos - seg_start_[s]);
                edges_[fill[s]++] = Edge{nchars + static_cast<int32_t>(j), start, static_cast<uint16_t>(start + c.len)};
            }
        }
        parallel_ranges(nseg, effective_threads(nseg, threads_), [&](size_t b, size_t e, int) {
            for (size_t s = b; s < e; ++s)
                std::sort(edges_.begin() + seg_edges_[s], edges_.begin() + seg_edges_[s + 1],
                          [](const Edge& x, const Edge& y) { return x.start != y.start ? x.start < y.start : x.end < y.end; });
        });
        std::vector<uint32_t>().swap(seed_sa_);
        std::vector<Cand>().swap(seed_cands_);
        seeded_ = false;
        find_representatives();
    }

    // Sets the vocabulary and finds every segment's lattice edges.
    void set_pieces(const py::list& pieces) {
        const size_t n = py::len(pieces);
        piece_chars_.clear();
        piece_off_.assign(1, 0);
        for (size_t i = 0; i < n; ++i) {
            std::u32string s = from_pystr(pieces[i]);
            if (s.empty() || s.size() > static_cast<size_t>(max_len_))
                throw py::value_error("piece length must be in 1..max_piece_length");
            piece_chars_.insert(piece_chars_.end(), s.begin(), s.end());
            piece_off_.push_back(piece_chars_.size());
        }
        tokensmith::GilRelease release;
        build_prefix_table();
        const size_t nseg = num_segments();
        const int nt = effective_threads(nseg, threads_);
        std::vector<std::vector<Edge>> part(nt);
        std::vector<uint64_t> count(nseg, 0);
        parallel_ranges(nseg, nt, [&](size_t b, size_t e, int t) {
            for (size_t s = b; s < e; ++s) {
                size_t before = part[t].size();
                find_edges(s, part[t]);
                count[s] = part[t].size() - before;
            }
        });
        std::vector<Slot>().swap(table_);
        seg_edges_.assign(nseg + 1, 0);
        for (size_t s = 0; s < nseg; ++s) seg_edges_[s + 1] = seg_edges_[s] + count[s];
        edges_.clear();
        edges_.reserve(seg_edges_[nseg]);
        for (auto& p : part) {
            edges_.insert(edges_.end(), p.begin(), p.end());
            std::vector<Edge>().swap(p);
        }
        find_representatives();
    }

    // The first occurrence of each piece: its own lattice is the span of that occurrence.
    void find_representatives() {
        const size_t n = num_pieces(), nseg = num_segments();
        rep_seg_.assign(n, -1);
        rep_start_.assign(n, 0);
        for (size_t s = 0; s < nseg; ++s)
            for (uint64_t k = seg_edges_[s]; k < seg_edges_[s + 1]; ++k) {
                const Edge& ed = edges_[k];
                if (rep_seg_[ed.piece] < 0) {
                    rep_seg_[ed.piece] = static_cast<int64_t>(s);
                    rep_start_[ed.piece] = ed.start;
                }
            }
    }

    // Keeps the pieces `keep` (old ids), in that order: new id k is old id keep[k].
    void retain(const std::vector<int64_t>& keep) {
        const size_t n = num_pieces();
        std::vector<int32_t> new_id(n, -1);
        for (size_t k = 0; k < keep.size(); ++k) {
            if (keep[k] < 0 || static_cast<size_t>(keep[k]) >= n || new_id[keep[k]] >= 0)
                throw py::value_error("retain: ids must be distinct existing piece ids");
            new_id[keep[k]] = static_cast<int32_t>(k);
        }
        tokensmith::GilRelease release;
        std::vector<char32_t> chars;
        std::vector<uint64_t> off{0};
        std::vector<int64_t> rseg;
        std::vector<uint16_t> rstart;
        for (int64_t old : keep) {
            chars.insert(chars.end(), piece_chars_.begin() + piece_off_[old], piece_chars_.begin() + piece_off_[old + 1]);
            off.push_back(chars.size());
            rseg.push_back(rep_seg_[old]);
            rstart.push_back(rep_start_[old]);
        }
        piece_chars_.swap(chars);
        piece_off_.swap(off);
        rep_seg_.swap(rseg);
        rep_start_.swap(rstart);
        uint64_t out = 0;
        for (size_t s = 0; s < num_segments(); ++s) {
            uint64_t b = seg_edges_[s], e = seg_edges_[s + 1];
            seg_edges_[s] = out;
            for (uint64_t k = b; k < e; ++k) {
                int32_t id = new_id[edges_[k].piece];
                if (id >= 0) edges_[out++] = Edge{id, edges_[k].start, edges_[k].end};
            }
        }
        seg_edges_[num_segments()] = out;
        edges_.resize(out);
        edges_.shrink_to_fit();
    }

    // Expected piece counts under the model (forward-backward over each segment, weighted by its
    // frequency), the corpus log-likelihood, and the number of segments with no path.
    py::tuple estep(const py::array_t<double, py::array::c_style | py::array::forcecast>& logp_arr) {
        const size_t n = num_pieces();
        if (static_cast<size_t>(logp_arr.size()) != n) throw py::value_error("estep: one score per piece");
        std::vector<double> logp(logp_arr.data(), logp_arr.data() + n), prob(n);
        for (size_t i = 0; i < n; ++i) prob[i] = std::exp(logp[i]);
        const size_t nseg = num_segments();
        const int nt = effective_threads(nseg, threads_);
        std::vector<std::vector<int64_t>> expected(nt);
        std::vector<int64_t> loglik(nt, 0);
        std::vector<int64_t> uncovered(nt, 0);
        {
            tokensmith::GilRelease release;
            parallel_ranges(nseg, nt, [&](size_t b, size_t e, int t) {
                std::vector<int64_t>& ex = expected[t];
                ex.assign(n, 0);
                std::vector<double> alpha, beta;
                for (size_t s = b; s < e; ++s) {
                    double logz = forward_backward(s, logp, prob, alpha, beta, ex);
                    if (std::isinf(logz)) ++uncovered[t];
                    else loglik[t] += std::llround(seg_freq_[s] * logz * kLikelihoodScale);
                }
            });
        }
        py::array_t<double> result(n);
        double* r = result.mutable_data();
        std::fill(r, r + n, 0.0);
        int64_t total = 0, bad = 0;
        std::vector<int64_t> sum(n, 0);
        for (int t = 0; t < nt; ++t) {
            for (size_t i = 0; i < n; ++i) sum[i] += expected[t][i];
            total += loglik[t];
            bad += uncovered[t];
        }
        for (size_t i = 0; i < n; ++i) r[i] = static_cast<double>(sum[i]) / kCountScale;
        return py::make_tuple(result, static_cast<double>(total) / kLikelihoodScale, bad);
    }

    // Pruning statistics: Viterbi piece counts over the corpus (weighted), and for every piece the
    // best segmentation of its own string without itself: status 0 = none exists, 1 = it scores
    // higher than the piece (the piece is never its own Viterbi path), 2 = it is the runner-up.
    py::tuple prune_stats(const py::array_t<double, py::array::c_style | py::array::forcecast>& logp_arr) {
        const size_t n = num_pieces();
        if (static_cast<size_t>(logp_arr.size()) != n) throw py::value_error("prune_stats: one score per piece");
        std::vector<double> logp(logp_arr.data(), logp_arr.data() + n);
        const size_t nseg = num_segments();
        const int nt = effective_threads(nseg, threads_);
        std::vector<std::vector<double>> freq(nt);
        std::vector<int8_t> status(n, 0);
        std::vector<std::vector<int32_t>> alt(n);
        {
            tokensmith::GilRelease release;
            parallel_ranges(nseg, nt, [&](size_t b, size_t e, int t) {
                freq[t].assign(n, 0.0);
                std::vector<double> best;
                std::vector<int64_t> back;
                std::vector<int32_t> path;
                for (size_t s = b; s < e; ++s) {
                    const size_t len = seg_len(s);
                    if (!viterbi(s, 0, len, -1, logp, best, back, path)) continue;
                    for (int32_t p : path) freq[t][p] += seg_freq_[s];
                }
            });
            const int ntp = effective_threads(n, threads_);
            parallel_ranges(n, ntp, [&](size_t b, size_t e, int) {
                std::vector<double> best;
                std::vector<int64_t> back;
                std::vector<int32_t> path;
                for (size_t p = b; p < e; ++p) {
                    if (rep_seg_[p] < 0) continue;
                    const size_t L = piece_off_[p + 1] - piece_off_[p];
                    if (!viterbi(rep_seg_[p], rep_start_[p], rep_start_[p] + L, static_cast<int32_t>(p), logp, best, back,
                                 path))
                        continue;
                    if (best[L] > logp[p]) {
                        status[p] = 1;
                    } else {
                        status[p] = 2;
                        alt[p] = path;
                    }
                }
            });
        }
        py::array_t<double> f(n);
        double* fr = f.mutable_data();
        std::fill(fr, fr + n, 0.0);
        for (int t = 0; t < nt; ++t)
            for (size_t i = 0; i < n; ++i) fr[i] += freq[t][i];
        std::vector<int64_t> off{0};
        std::vector<int32_t> flat;
        for (size_t p = 0; p < n; ++p) {
            flat.insert(flat.end(), alt[p].begin(), alt[p].end());
            off.push_back(flat.size());
        }
        return py::make_tuple(f, py::array_t<int8_t>(status.size(), status.data()),
                              py::array_t<int64_t>(off.size(), off.data()),
                              py::array_t<int32_t>(flat.size(), flat.data()));
    }

private:
    size_t seg_len(size_t s) const { return seg_start_[s + 1] - seg_start_[s] - 1; }

    // Length of the longest valid piece starting at text_[i]: at most max_len_ characters, no ▁
    // after the first character, and a single Unicode script (Inherited marks join the script
    // before them; Common counts as a script of its own, as in SentencePiece).
    int valid_run(size_t i, const std::vector<int>& script) const {
        int prev = kScriptAny, len = 0;
        for (size_t k = i; k < text_.size() && text_[k] != 0 && len < max_len_; ++k, ++len) {
            char32_t c = text_[k];
            if (c == kSpaceMarker) {
                if (len > 0) break;
                continue;
            }
            int sc = script[k] == kScriptInherited ? prev : script[k];
            if (sc != kScriptAny && prev != kScriptAny && sc != prev) break;
            prev = sc;
        }
        return len;
    }

    // Three-way comparison of the substrings text_[a:a+la] and text_[b:b+lb].
    int compare_text(size_t a, size_t la, size_t b, size_t lb) const {
        size_t m = std::min(la, lb);
        for (size_t k = 0; k < m; ++k)
            if (text_[a + k] != text_[b + k]) return text_[a + k] < text_[b + k] ? -1 : 1;
        return la < lb ? -1 : (la > lb ? 1 : 0);
    }

    // Common prefix of the suffixes at a and b, at most max_len_; a shared word end (0) counts
    // as one character and stops the comparison.
    int common_prefix(uint32_t a, uint32_t b) const {
        int k = 0;
        while (k < max_len_) {
            char32_t x = text_[a + k], y = text_[b + k];
            if (x != y) break;
            ++k;
            if (x == 0) break;
        }
        return k;
    }

    // Suffix array of text_ truncated at depth max_len_ (every non-boundary position), with lcp.
    // Radix keys: characters are ranked densely (0 = word end), as many packed in 64 bits as fit;
    // groups with equal keys are re-sorted on the next key, until the word end or max_len_.
    void build_suffix_array(std::vector<uint32_t>& sa, std::vector<int>& lcp) const {
        std::vector<char32_t> alphabet;
        for (char32_t c : text_)
            if (c) alphabet.push_back(c);
        std::sort(alphabet.begin(), alphabet.end());
        alphabet.erase(std::unique(alphabet.begin(), alphabet.end()), alphabet.end());
        std::unordered_map<char32_t, uint32_t> rank_of;
        for (size_t i = 0; i < alphabet.size(); ++i) rank_of[alphabet[i]] = static_cast<uint32_t>(i + 1);
        std::vector<uint32_t> rank(text_.size(), 0);
        for (size_t i = 0; i < text_.size(); ++i)
            if (text_[i]) rank[i] = rank_of[text_[i]];
        int bits = 1;
        while ((size_t(1) << bits) <= alphabet.size()) ++bits;
        const int per = std::max(1, std::min(max_len_, 64 / bits));
        // Key of the suffix at pos from `depth` on; `ended`: nothing after it can differ.
        auto key = [&](uint32_t pos, int depth, bool& ended) {
            uint64_t k = 0;
            ended = depth + per >= max_len_;
            bool stop = false;
            for (int j = 0; j < per; ++j) {
                uint32_t r = 0;
                if (!stop && depth + j < max_len_) {
                    r = rank[pos + depth + j];
                    if (r == 0) stop = ended = true;
                }
                k = (k << bits) | r;
            }
            return k;
        };
        std::vector<std::pair<uint64_t, uint32_t>> items;
        for (size_t i = 0; i < text_.size(); ++i)
            if (text_[i] != 0) items.push_back({0, static_cast<uint32_t>(i)});
        struct Range {
            size_t b, e;
            int depth;
        };
        std::vector<Range> todo{{0, items.size(), 0}};
        while (!todo.empty()) {
            Range r = todo.back();
            todo.pop_back();
            std::vector<char> ended(r.e - r.b);
            for (size_t k = r.b; k < r.e; ++k) {
                bool end;
                items[k].first = key(items[k].second, r.depth, end);
                ended[k - r.b] = end;
            }
            if (r.e - r.b > 100000) {
                const int nt = effective_threads(r.e - r.b, threads_);
                std::vector<size_t> cut;
                for (int t = 0; t <= nt; ++t) cut.push_back(r.b + (r.e - r.b) * t / nt);
                parallel_ranges(r.e - r.b, nt, [&](size_t b, size_t e, int) {
                    std::sort(items.begin() + r.b + b, items.begin() + r.b + e);
                });
                for (int t = 1; t < nt; ++t)
                    std::inplace_merge(items.begin() + r.b, items.begin() + cut[t], items.begin() + cut[t + 1]);
            } else {
                std::sort(items.begin() + r.b, items.begin() + r.e);
            }
            for (size_t g = r.b; g < r.e;) {
                size_t h = g + 1;
                while (h < r.e && items[h].first == items[g].first) ++h;
                bool end;
                key(items[g].second, r.depth, end);
                if (h - g > 1 && !end) todo.push_back({g, h, r.depth + per});
                g = h;
            }
        }
        sa.resize(items.size());
        for (size_t k = 0; k < items.size(); ++k) sa[k] = items[k].second;
        lcp.assign(sa.size(), 0);
        for (size_t k = 1; k < sa.size(); ++k) lcp[k] = common_prefix(sa[k - 1], sa[k]);
    }

    // Hash of every piece prefix -> piece id, or -1 for a prefix that is not itself a piece.
    void build_prefix_table() {
        const size_t n = num_pieces();
        size_t cap = 1024;
        while (cap < 2 * (piece_chars_.size() + 1)) cap *= 2;
        table_.assign(cap, Slot{0, -1});
        table_mask_ = cap - 1;
        for (size_t p = 0; p < n; ++p) {
            uint64_t h = 0;
            for (uint64_t k = piece_off_[p]; k < piece_off_[p + 1]; ++k) {
                h = hash_step(h, piece_chars_[k]);
                Slot& slot = table_[find_slot(h)];
                slot.key = h;
                if (k + 1 == piece_off_[p + 1]) {
                    if (slot.piece >= 0 && same_piece(slot.piece, p)) throw std::invalid_argument("duplicate piece");
                    slot.piece = static_cast<int32_t>(p);
                }
            }
        }
    }

    bool same_piece(size_t a, size_t b) const {
        size_t la = piece_off_[a + 1] - piece_off_[a], lb = piece_off_[b + 1] - piece_off_[b];
        return la == lb && std::equal(piece_chars_.begin() + piece_off_[a], piece_chars_.begin() + piece_off_[a + 1],
                                      piece_chars_.begin() + piece_off_[b]);
    }

    size_t find_slot(uint64_t h) const {
        size_t i = (h >> 7) & table_mask_;
        while (table_[i].key != 0 && table_[i].key != h) i = (i + 1) & table_mask_;
        return i;
    }

    void find_edges(size_t s, std::vector<Edge>& out) const {
        const char32_t* w = &text_[seg_start_[s]];
        const size_t len = seg_len(s);
        for (size_t i = 0; i < len; ++i) {
            uint64_t h = 0;
            for (size_t j = i; j < len && j - i < static_cast<size_t>(max_len_); ++j) {
                h = hash_step(h, w[j]);
                const Slot& slot = table_[find_slot(h)];
                if (slot.key == 0) break;
                int32_t p = slot.piece;
                if (p < 0) continue;
                size_t pl = piece_off_[p + 1] - piece_off_[p];
                if (pl == j + 1 - i && std::equal(w + i, w + j + 1, piece_chars_.begin() + piece_off_[p]))
                    out.push_back(Edge{p, static_cast<uint16_t>(i), static_cast<uint16_t>(j + 1)});
            }
        }
    }

    // Adds freq * P(edge | segment) to ex for every edge; returns log Z (-inf: no path).
    // Edges are sorted by start, so one pass in order is the forward pass and one in reverse the
    // backward pass. Short segments run in probability space (no exp/log per edge); a segment
    // whose total underflows is redone in log space.
    double forward_backward(size_t s, const std::vector<double>& logp, const std::vector<double>& prob,
                            std::vector<double>& alpha, std::vector<double>& beta, std::vector<int64_t>& ex) const {
        const size_t len = seg_len(s);
        const Edge* eb = edges_.data() + seg_edges_[s];
        const Edge* ee = edges_.data() + seg_edges_[s + 1];
        const double freq = seg_freq_[s];
        if (len <= kProbSpaceMaxLen) {
            alpha.assign(len + 1, 0.0);
            beta.assign(len + 1, 0.0);
            alpha[0] = 1.0;
            for (const Edge* e = eb; e != ee; ++e) alpha[e->end] += alpha[e->start] * prob[e->piece];
            const double z = alpha[len];
            if (z > 1e-280 && std::isfinite(z)) {
                beta[len] = 1.0;
                for (const Edge* e = ee; e != eb;) {
                    --e;
                    beta[e->start] += prob[e->piece] * beta[e->end];
                }
                const double scale = freq / z * kCountScale;
                for (const Edge* e = eb; e != ee; ++e)
                    ex[e->piece] += std::llround(scale * alpha[e->start] * prob[e->piece] * beta[e->end]);
                return std::log(z);
            }
        }
        alpha.assign(len + 1, kNegInf);
        beta.assign(len + 1, kNegInf);
        alpha[0] = 0.0;
        for (const Edge* e = eb; e != ee; ++e) alpha[e->end] = log_add(alpha[e->end], alpha[e->start] + logp[e->piece]);
        const double logz = alpha[len];
        if (std::isinf(logz)) return logz;
        beta[len] = 0.0;
        for (const Edge* e = ee; e != eb;) {
            --e;
            beta[e->start] = log_add(beta[e->start], logp[e->piece] + beta[e->end]);
        }
        for (const Edge* e = eb; e != ee; ++e) {
            double lp = alpha[e->start] + logp[e->piece] + beta[e->end] - logz;
            if (lp > -700) ex[e->piece] += std::llround(freq * std::exp(lp) * kCountScale);
        }
        return logz;
    }

    static double log_add(double a, double b) {
        if (a < b) std::swap(a, b);
        if (b == kNegInf) return a;
        return a + std::log1p(std::exp(b - a));
    }

    // Best path over the edges of segment s inside [from, to), leaving out piece `skip` when it
    // spans the whole range. Fills path (piece ids, in order) and best (scores from `from`).
    bool viterbi(size_t s, size_t from, size_t to, int32_t skip, const std::vector<double>& logp,
                 std::vector<double>& best, std::vector<int64_t>& back, std::vector<int32_t>& path) const {
        const size_t m = to - from;
        best.assign(m + 1, kNegInf);
        back.assign(m + 1, -1);
        best[0] = 0.0;
        const Edge* eb = edges_.data() + seg_edges_[s];
        const Edge* ee = edges_.data() + seg_edges_[s + 1];
        const Edge* first = std::lower_bound(eb, ee, from, [](const Edge& e, size_t v) { return e.start < v; });
        for (const Edge* e = first; e != ee && e->start < to; ++e) {
            if (e->end > to) continue;
            if (e->piece == skip && e->start == from && e->end == to) continue;
            double v = best[e->start - from] + logp[e->piece];
            // Ties go to the edge found first (earlier start, then shorter piece): deterministic.
            if (v > best[e->end - from]) {
                best[e->end - from] = v;
                back[e->end - from] = e - edges_.data();
            }
        }
        path.clear();
        if (std::isinf(best[m])) return false;
        for (size_t at = m; at > 0;) {
            const Edge& e = edges_[back[at]];
            path.push_back(e.piece);
            at = e.start - from;
        }
        std::reverse(path.begin(), path.end());
        return true;
    }

    struct Cand {  // a seed substring: text_[pos:pos+len], suffix array interval [left, right]
        uint32_t pos;
        int len;
        double score;
        uint32_t left, right;
    };

    int max_len_;
    int threads_;
    std::vector<uint32_t> seed_sa_;
    std::vector<Cand> seed_cands_;
    bool seeded_ = false;
    std::vector<char32_t> text_;       // segments, each followed by 0
    std::vector<uint64_t> seg_start_;  // num_segments + 1 offsets into text_
    std::vector<double> seg_freq_;
    std::vector<int> valid_len_;
    std::vector<char32_t> piece_chars_;
    std::vector<uint64_t> piece_off_;
    std::vector<int64_t> rep_seg_;
    std::vector<uint16_t> rep_start_;
    std::vector<Edge> edges_;          // per segment, sorted by (start, end)
    std::vector<uint64_t> seg_edges_;  // num_segments + 1 offsets into edges_
    struct Slot {
        uint64_t key;   // hash of a piece prefix; 0: empty
        int32_t piece;  // the piece it spells, or -1
    };
    std::vector<Slot> table_;
    size_t table_mask_ = 0;
};

}  // namespace

PYBIND11_MODULE(_unigram_train, m) {
    m.doc() = "Unigram LM training kernel (twin: tokensmith._reference.unigram_train)";
    py::class_<WordCounter>(m, "WordCounter")
        .def(py::init<int>(), py::arg("threads") = 1)
        .def("add", &WordCounter::add, py::arg("text"))
        .def("items", &WordCounter::items);
    py::class_<Engine>(m, "Engine")
        .def(py::init<const py::list&, const std::vector<double>&, const std::unordered_map<uint32_t, int>&, int, int,
                      uint64_t>(),
             py::arg("words"), py::arg("freqs"), py::arg("scripts"), py::arg("max_piece_length"), py::arg("threads"),
             py::arg("max_positions") = kMaxPositions)
        .def("seed", &Engine::seed, py::arg("seed_size"))
        .def("set_pieces", &Engine::set_pieces, py::arg("pieces"))
        .def("set_seed_pieces", &Engine::set_seed_pieces, py::arg("chars"))
        .def("retain", &Engine::retain, py::arg("keep"))
        .def("estep", &Engine::estep, py::arg("logp"))
        .def("prune_stats", &Engine::prune_stats, py::arg("logp"))
        .def_property_readonly("num_segments", &Engine::num_segments)
        .def_property_readonly("num_pieces", &Engine::num_pieces)
        .def_property_readonly("num_edges", &Engine::num_edges);
}
