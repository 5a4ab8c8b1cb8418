// Kernels of top-down vocabulary pruning: PathPiece's removal costs and SaGe's greedy segmentation
// and ablation scores. Each must agree with its readable twin in src/tokensmith/_reference/
// (pathpiece.py, sage.py); the Python modules in train/ call these when built.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "py_bytes.h"
#include "gil.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace py = pybind11;

namespace {

std::string_view view_of(const py::handle& obj) {
    return tokensmith::bytes_view(obj, "expected bytes");
}

// Token bytes -> id; the views point into `bytes_` (owned copies).
class Vocab {
public:
    explicit Vocab(const py::list& tokens) {
        bytes_.reserve(tokens.size());
        for (const py::handle& t : tokens) bytes_.emplace_back(view_of(t));
        for (size_t i = 0; i < bytes_.size(); ++i) {
            ids_.emplace(std::string_view(bytes_[i]), static_cast<int32_t>(i));
            max_len_ = std::max(max_len_, bytes_[i].size());
        }
    }
    int32_t find(std::string_view s) const {
        auto it = ids_.find(s);
        return it == ids_.end() ? -1 : it->second;
    }
    size_t max_len() const { return max_len_; }
    size_t size() const { return bytes_.size(); }
    size_t width(int32_t id) const { return bytes_[id].size(); }

private:
    std::vector<std::string> bytes_;
    std::unordered_map<std::string_view, int32_t> ids_;
    size_t max_len_ = 1;
};

// ---- PathPiece -------------------------------------------------------------------------------
struct Edge {
    uint32_t length;
    int32_t id;
};

// Fewest tokens over the lattice, PathPiece's official tie-break (the longest token ending at each
// position, read back from the end): starts are visited left to right and only a strictly shorter
// path replaces. `last[j]` is the edge ending at byte j.
int64_t shortest(const std::vector<std::vector<Edge>>& edges, int32_t banned, std::vector<int64_t>& best,
                 std::vector<Edge>& last) {
    const size_t n = edges.size();
    best.assign(n + 1, INT64_MAX);
    last.assign(n + 1, Edge{0, -1});
    best[0] = 0;
    for (size_t i = 0; i < n; ++i) {
        if (best[i] == INT64_MAX) continue;
        for (const Edge& e : edges[i]) {
            if (e.id == banned || best[i] + 1 >= best[i + e.length]) continue;
            best[i + e.length] = best[i] + 1;
            last[i + e.length] = e;
        }
    }
    return best[n];
}

// (cost, uses, total): per token id on a shortest path, the extra tokens the corpus needs without
// it (0 for single bytes) and its uses; total tokens of the corpus. Ids on no path get uses 0.
py::tuple removal_costs(const py::list& pieces, const py::list& counts, const py::list& tokens) {
    if (pieces.size() != counts.size()) throw py::value_error("pieces and counts differ in length");
    const Vocab vocab(tokens);
    std::vector<int64_t> cost(vocab.size(), 0), uses(vocab.size(), 0);
    int64_t total = 0;
    std::vector<std::vector<Edge>> edges;
    std::vector<int64_t> best;
    std::vector<Edge> pick;
    std::vector<int32_t> path;
    for (size_t p = 0; p < pieces.size(); ++p) {
        const std::string_view piece = view_of(pieces[p]);
        const int64_t count = counts[p].cast<int64_t>();
        const size_t n = piece.size();
        edges.assign(n, {});
        for (size_t i = 0; i < n; ++i)
            for (size_t len = std::min(vocab.max_len(), n - i); len > 0; --len) {
                const int32_t id = vocab.find(piece.substr(i, len));
                if (id >= 0) edges[i].push_back({static_cast<uint32_t>(len), id});
            }
        const int64_t length = shortest(edges, -1, best, pick);
        if (length == INT64_MAX) throw py::value_error("a piece holds a byte the vocabulary lacks");
        total += length * count;
        path.clear();
        for (size_t j = n; j > 0; j -= pick[j].length) path.push_back(pick[j].id);
        for (int32_t id : path) uses[id] += count;
        std::sort(path.begin(), path.end());
        path.erase(std::unique(path.begin(), path.end()), path.end());
        std::vector<int64_t> best2;
        std::vector<Edge> pick2;
        for (int32_t id : path)
            if (vocab.width(id) > 1) cost[id] += count * (shortest(edges, id, best2, pick2) - length);
    }
    return py::make_tuple(cost, uses, total);
}

// ---- SaGe ----------------------------------------------------------------------------------------
struct Seg {
    int32_t id;
    uint32_t start, width;
};

// Longest-first segmentation of piece[start:]; the first token narrower than `first_below` if > 0.
void greedy(const Vocab& vocab, std::string_view piece, size_t start, size_t first_below, std::vector<Seg>& out) {
    out.clear();
    for (size_t i = start, n = piece.size(); i < n;) {
        size_t longest = std::min(vocab.max_len(), n - i);
        if (first_below && i == start) longest = std::min(longest, first_below - 1);
        size_t w = longest;
        for (; w > 0; --w) {
            const int32_t id = vocab.find(piece.substr(i, w));
            if (id >= 0) {
                out.push_back({id, static_cast<uint32_t>(i), static_cast<uint32_t>(w)});
                break;
            }
        }
        if (w == 0) throw py::value_error("vocabulary cannot cover a byte");
        i += w;
    }
}

// The ids replacing base[k:end] when token k is unavailable there, and `end` (the first later
// token of `base` whose start the new segmentation reaches, else base.size()).
size_t ablate(const Vocab& vocab, std::string_view piece, const std::vector<Seg>& base, size_t k,
              std::vector<int32_t>& out) {
    out.clear();
    size_t i = base[k].start, next = k + 1;  // next: the first later token not yet passed
    bool first = true;
    while (i < piece.size()) {
        size_t longest = std::min(vocab.max_len(), piece.size() - i);
        if (first) longest = std::min<size_t>(longest, base[k].width - 1);
        first = false;
        for (size_t w = longest; w > 0; --w) {
            const int32_t id = vocab.find(piece.substr(i, w));
            if (id >= 0) {
                out.push_back(id);
                i += w;
                break;
            }
        }
        while (next < base.size() && base[next].start < i) ++next;
        if (next < base.size() && base[next].start == i) return next;
    }
    return base.size();
}

inline double log_sigmoid(double x) { return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x)); }

// Lines of pre-token bytes (views into the caller's bytes objects, alive during the call).
class Lines {
public:
    explicit Lines(const py::list& lines) {
        for (const py::handle& line : lines) {
            std::vector<std::string_view> pieces;
            for (const py::handle& p : line.cast<py::list>()) {
                held_.push_back(py::reinterpret_borrow<py::object>(p));  // read without the GIL
                pieces.push_back(view_of(p));
            }
            lines_.push_back(std::move(pieces));
        }
    }
    const std::vector<std::vector<std::string_view>>& lines() const { return lines_; }

private:
    std::vector<py::object> held_;
    std::vector<std::vector<std::string_view>> lines_;
};

// Each line's greedy token ids, as int64 arrays.
py::list greedy_lines(const py::list& lines, const py::list& tokens) {
    const Vocab vocab(tokens);
    const Lines text(lines);
    py::list out;
    std::vector<Seg> seg;
    for (const auto& pieces : text.lines()) {
        std::vector<int64_t> ids;
        for (std::string_view p : pieces) {
            greedy(vocab, p, 0, 0, seg);
            for (const Seg& s : seg) ids.push_back(s.id);
        }
        out.append(py::array_t<int64_t>(ids.size(), ids.data()));
    }
    return out;
}

// For each id, the change of the skip-gram log-likelihood when it is ablated at each occurrence
// (ablated minus original, summed), as _reference/sage.py's ablation_scores; `straddling` keeps
// the pairs with one end on each side of the changed span (SaGe's official code drops them).
py::array_t<double> ablation_scores(const py::list& lines, const py::list& tokens,
                                    py::array_t<double, py::array::c_style | py::array::forcecast> target,
                                    py::array_t<double, py::array::c_style | py::array::forcecast> context,
                                    int window, bool straddling) {
    const Vocab vocab(tokens);
    const Lines text(lines);
    if (target.ndim() != 2 || context.ndim() != 2 || target.shape(1) != context.shape(1) ||
        static_cast<size_t>(target.shape(0)) < vocab.size() || static_cast<size_t>(context.shape(0)) < vocab.size())
        throw py::value_error("vectors must be (vocabulary, dim) arrays for every token");
    const size_t dim = target.shape(1), rows = target.shape(0);
    const double *tv = target.data(), *cv = context.data();
    std::vector<double> scores(rows, 0.0);
    {
        tokensmith::GilRelease release;
        auto ll = [&](int32_t t, int32_t c) {
            const double *x = tv + size_t(t) * dim, *y = cv + size_t(c) * dim;
            double dot = 0;
            for (size_t d = 0; d < dim; ++d) dot += x[d] * y[d];
            return log_sigmoid(dot);
        };
        std::vector<std::vector<Seg>> segs;
        std::vector<int32_t> line, fresh, ids;
        const size_t W = static_cast<size_t>(window);
        for (const auto& pieces : text.lines()) {
            segs.assign(pieces.size(), {});
            line.clear();
            for (size_t p = 0; p < pieces.size(); ++p) {
                greedy(vocab, pieces[p], 0, 0, segs[p]);
                for (const Seg& s : segs[p]) line.push_back(s.id);
            }
            size_t offset = 0;
            for (size_t p = 0; p < pieces.size(); ++p) {
                const std::vector<Seg>& seg = segs[p];
                for (size_t k = 0; k < seg.size(); ++k) {
                    if (seg[k].width == 1) continue;
                    const size_t end = ablate(vocab, pieces[p], seg, k, fresh);
                    const size_t lo = offset + k, hi = offset + end;
                    const size_t left_begin = lo > W ? lo - W : 0, right_end = std::min(line.size(), hi + W);
                    for (int variant = 0; variant < 2; ++variant) {
                        ids.assign(line.begin() + left_begin, line.begin() + lo);
                        const size_t a = ids.size();
                        if (variant == 0) ids.insert(ids.end(), line.begin() + lo, line.begin() + hi);
                        else ids.insert(ids.end(), fresh.begin(), fresh.end());
                        const size_t b = ids.size();
                        ids.insert(ids.end(), line.begin() + hi, line.begin() + right_end);
                        double sum = 0;
                        for (size_t i = 0; i < ids.size(); ++i) {
                            const size_t j_end = std::min(ids.size(), i + W + 1);
                            const bool i_inside = a <= i && i < b;
                            for (size_t j = i > W ? i - W : 0; j < j_end; ++j) {
                                if (j == i || (i < a && j < a) || (i >= b && j >= b)) continue;
                                if (straddling || i_inside || (a <= j && j < b)) sum += ll(ids[i], ids[j]);
                            }
                        }
                        scores[seg[k].id] += variant == 0 ? -sum : sum;
                    }
                }
                offset += seg.size();
            }
        }
    }
    return py::array_t<double>(scores.size(), scores.data());
}

}  // namespace

PYBIND11_MODULE(_top_down, m) {
    m.doc() = "Top-down vocabulary pruning kernels: PathPiece removal costs, SaGe segmentation and ablation.";
    m.def("removal_costs", &removal_costs, py::arg("pieces"), py::arg("counts"), py::arg("tokens"));
    m.def("greedy_lines", &greedy_lines, py::arg("lines"), py::arg("tokens"));
    m.def("ablation_scores", &ablation_scores, py::arg("lines"), py::arg("tokens"), py::arg("target"),
          py::arg("context"), py::arg("window"), py::arg("straddling") = true);
}
