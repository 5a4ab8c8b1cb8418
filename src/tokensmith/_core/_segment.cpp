// Segmentation methods usable on any vocabulary (longest_prefix, longest_suffix, longest_token,
// least_tokens, least_tokens_longest_first, likelihood) over a SegmentVocabulary's two tables. Each must return exactly what
// its readable definition in src/tokensmith/segmenters/methods.py returns, tie-breaks included;
// segmenters/pieces.py calls this when built.
//
// The tables are byte tries built once per vocabulary: a walk from a position yields every token
// that starts there in one pass, where the Python methods look up each length in a dict.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "py_bytes.h"
#include "gil.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {

std::string_view view_of(const py::handle& obj) {
    return tokensmith::bytes_view(obj, "segmentation tables and pieces hold bytes");
}

// A byte trie laid out breadth first: node 0 is the root, the children of node v are the nodes
// first_[v] .. first_[v + 1] - 1 with labels_ in ascending order, and ids_[v] is the token ending
// at v (-1: none). Siblings sit side by side and nodes near the root together, so the walks
// mostly touch memory already in cache. Nodes with many children (the root, a leading space)
// also keep them in a 256-entry array: one load instead of a scan.
class Trie {
public:
    // `tokens` (bytes, id) with distinct bytes; reversed: each token's bytes read backwards.
    Trie(std::vector<std::pair<std::string, int32_t>> tokens, bool reversed) {
        if (reversed)
            for (auto& t : tokens) std::reverse(t.first.begin(), t.first.end());
        std::sort(tokens.begin(), tokens.end());
        // Each node stands for the run tokens[lo, hi) sharing its first `depth` bytes.
        struct Run {
            size_t lo, hi, depth;
        };
        std::vector<Run> runs = {{0, tokens.size(), 0}};
        labels_.push_back(0);
        for (size_t v = 0; v < runs.size(); ++v) {
            auto [lo, hi, depth] = runs[v];
            ids_.push_back(-1);
            if (lo < hi && tokens[lo].first.size() == depth) ids_[v] = depth ? tokens[lo++].second : -1;
            first_.push_back(static_cast<uint32_t>(runs.size()));
            while (lo < hi) {
                const char b = tokens[lo].first[depth];
                size_t end = lo;
                while (end < hi && tokens[end].first[depth] == b) ++end;
                runs.push_back({lo, end, depth + 1});
                labels_.push_back(static_cast<uint8_t>(b));
                lo = end;
            }
        }
        first_.push_back(static_cast<uint32_t>(runs.size()));
        dense_of_.assign(ids_.size(), -1);
        for (size_t v = 0; v < ids_.size(); ++v) {
            if (v != 0 && first_[v + 1] - first_[v] <= kDenseAbove) continue;
            dense_of_[v] = static_cast<int32_t>(dense_.size() / 256);
            dense_.resize(dense_.size() + 256, -1);
            for (uint32_t c = first_[v]; c < first_[v + 1]; ++c)
                dense_[dense_of_[v] * size_t{256} + labels_[c]] = static_cast<int32_t>(c);
        }
    }

    int32_t child(int32_t node, uint8_t b) const {
        if (dense_of_[node] >= 0) return dense_[dense_of_[node] * size_t{256} + b];
        uint32_t lo = first_[node], hi = first_[node + 1];
        for (; lo < hi; ++lo)
            if (labels_[lo] == b) return static_cast<int32_t>(lo);
        return -1;
    }

    int32_t id(int32_t node) const { return ids_[node]; }

private:
    std::vector<uint32_t> first_;
    std::vector<uint8_t> labels_;
    std::vector<int32_t> ids_;
    static constexpr uint32_t kDenseAbove = 12;  // more children: a 256-entry array of them
    std::vector<int32_t> dense_of_;               // per node: its array among dense_, or -1
    std::vector<int32_t> dense_;
};

struct Match {
    uint32_t length;
    int32_t id;
};

// Every token of `trie` that matches piece[i:], shortest first, appended to `out`.
void matches_at(const Trie& trie, std::string_view piece, size_t i, std::vector<Match>& out) {
    int32_t node = 0;
    for (size_t k = i; k < piece.size(); ++k) {
        node = trie.child(node, static_cast<uint8_t>(piece[k]));
        if (node < 0) return;
        if (trie.id(node) >= 0) out.push_back({static_cast<uint32_t>(k + 1 - i), trie.id(node)});
    }
}

enum Method { LONGEST_PREFIX, LONGEST_SUFFIX, LONGEST_TOKEN, LEAST_TOKENS, LEAST_TOKENS_LONGEST_FIRST, LIKELIHOOD };

Method method_of(const std::string& name) {
    if (name == "longest_prefix") return LONGEST_PREFIX;
    if (name == "longest_suffix") return LONGEST_SUFFIX;
    if (name == "longest_token") return LONGEST_TOKEN;
    if (name == "least_tokens") return LEAST_TOKENS;
    if (name == "least_tokens_longest_first") return LEAST_TOKENS_LONGEST_FIRST;
    if (name == "likelihood") return LIKELIHOOD;
    throw py::value_error("unknown segmentation method '" + name + "'");
}

// Buffers one call reuses from piece to piece.
struct Scratch {
    std::vector<Match> matches;
    std::vector<uint32_t> offsets;
    std::vector<int32_t> start_at_zero;
    std::vector<double> value;
    std::vector<Match> choice;
    std::vector<uint32_t> fewest;
    struct Item {
        uint32_t lo, hi;
        int32_t id;  // >= 0: a token already chosen, in output order
    };
    std::vector<Item> todo;
};

class Segmenter {
public:
    Segmenter(const py::dict& start, const py::dict& cont, bool shared, std::optional<int64_t> unk_id,
              std::optional<std::vector<double>> scores, std::optional<int64_t> max_piece_chars)
        : unk_id_(unk_id), max_piece_chars_(max_piece_chars) {
        int64_t max_id = -1;
        start_ = std::make_shared<Trie>(entries(start, max_id), false);
        cont_ = shared ? start_ : std::make_shared<Trie>(entries(cont, max_id), false);
        cont_items_ = py::reinterpret_borrow<py::dict>(cont);
        if (scores && static_cast<int64_t>(scores->size()) > max_id) scores_ = std::move(*scores);
        has_scores_ = scores.has_value();
    }

    // (ids, failed, reason): the ids of every piece; when a piece cannot be segmented and there
    // is no unknown id, the ids before it, its index and why (1: over the word limit, 2: not
    // covered). failed is -1 when every piece was segmented.
    py::tuple segment(const py::sequence& pieces, const std::string& method_name) {
        const Method method = method_of(method_name);
        if (method == LIKELIHOOD && scores_.empty()) {
            if (!has_scores_) throw py::value_error("the likelihood method needs token scores");
            throw py::value_error("the token scores do not cover every token id");
        }
        if (method == LONGEST_SUFFIX && !reversed_cont_) build_reversed_cont();
        std::vector<py::object> held;  // the caller's sequence may change without the GIL
        std::vector<std::string_view> views;
        held.reserve(pieces.size());
        views.reserve(pieces.size());
        for (const py::handle& p : pieces) {
            held.push_back(py::reinterpret_borrow<py::object>(p));
            views.push_back(view_of(p));
        }
        std::vector<int32_t> ids;
        int64_t failed = -1;
        int reason = 0;
        {
            tokensmith::GilRelease release;
            Scratch s;
            ids.reserve(views.size() * 2);
            for (size_t k = 0; k < views.size(); ++k) {
                const size_t before = ids.size();
                int why = over_limit(views[k]) ? 1 : (run(method, views[k], ids, s) ? 0 : 2);
                if (why == 0) continue;
                ids.resize(before);
                if (unk_id_) {
                    ids.push_back(static_cast<int32_t>(*unk_id_));
                    continue;
                }
                failed = static_cast<int64_t>(k);
                reason = why;
                break;
            }
        }
        py::list out(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) PyList_SET_ITEM(out.ptr(), i, PyLong_FromLong(ids[i]));
        return py::make_tuple(out, failed, reason);
    }

private:
    static std::vector<std::pair<std::string, int32_t>> entries(const py::dict& table, int64_t& max_id) {
        std::vector<std::pair<std::string, int32_t>> out;
        out.reserve(table.size());
        for (const auto& item : table) {
            const int64_t id = item.second.cast<int64_t>();
            if (id < 0 || id > std::numeric_limits<int32_t>::max()) throw py::value_error("token ids must be in [0, 2**31)");
            out.emplace_back(std::string(view_of(item.first)), static_cast<int32_t>(id));
            max_id = std::max(max_id, id);
        }
        return out;
    }

    void build_reversed_cont() {
        int64_t max_id = -1;
        reversed_cont_ = std::make_shared<Trie>(entries(cont_items_, max_id), true);
    }

    // WordPiece's rule: a piece of more than max_piece_chars characters is unknown outright.
    bool over_limit(std::string_view piece) const {
        if (!max_piece_chars_ || static_cast<int64_t>(piece.size()) <= *max_piece_chars_) return false;
        int64_t chars = 0;
        for (unsigned char b : piece) chars += !(b >= 0x80 && b < 0xC0);
        return chars > *max_piece_chars_;
    }

    const Trie& table(size_t i) const { return i == 0 ? *start_ : *cont_; }

    bool run(Method method, std::string_view piece, std::vector<int32_t>& out, Scratch& s) const {
        switch (method) {
            case LONGEST_PREFIX: return longest_prefix(piece, out);
            case LONGEST_SUFFIX: return longest_suffix(piece, out, s);
            case LONGEST_TOKEN: return longest_token(piece, out, s);
            case LEAST_TOKENS: return least_tokens(piece, out, s);
            case LEAST_TOKENS_LONGEST_FIRST: return best_path(piece, nullptr, out, s);
            case LIKELIHOOD: return best_path(piece, scores_.data(), out, s);
        }
        return false;
    }

    // From the left, the longest token matching at each point.
    bool longest_prefix(std::string_view piece, std::vector<int32_t>& out) const {
        for (size_t i = 0, n = piece.size(); i < n;) {
            const Trie& trie = table(i);
            int32_t node = 0, id = -1;
            size_t length = 0;
            for (size_t k = i; k < n; ++k) {
                node = trie.child(node, static_cast<uint8_t>(piece[k]));
                if (node < 0) break;
                if (trie.id(node) >= 0) id = trie.id(node), length = k + 1 - i;
            }
            if (id < 0) return false;
            out.push_back(id);
            i += length;
        }
        return true;
    }

    // From the right, the longest token ending at each point: the smallest start i, where a
    // start at 0 is looked up in the start table and any other in the continuation table.
    bool longest_suffix(std::string_view piece, std::vector<int32_t>& out, Scratch& s) const {
        const size_t n = piece.size(), first = out.size();
        s.start_at_zero.assign(n + 1, -1);
        s.matches.clear();
        matches_at(*start_, piece, 0, s.matches);
        for (const Match& m : s.matches) s.start_at_zero[m.length] = m.id;
        const Trie& reversed = *reversed_cont_;
        for (size_t j = n; j > 0;) {
            int32_t id = s.start_at_zero[j];
            size_t i = 0;
            if (id < 0) {
                int32_t node = 0;
                for (size_t k = j; k-- > 1;) {
                    node = reversed.child(node, static_cast<uint8_t>(piece[k]));
                    if (node < 0) break;
                    if (reversed.id(node) >= 0) id = reversed.id(node), i = k;
                }
                if (id < 0) return false;
            }
            out.push_back(id);
            j = i;
        }
        std::reverse(out.begin() + first, out.end());
        return true;
    }

    // The longest token anywhere in the span (leftmost on ties), then the same on each side.
    bool longest_token(std::string_view piece, std::vector<int32_t>& out, Scratch& s) const {
        const size_t n = piece.size();
        s.matches.clear();
        s.offsets.assign(1, 0);
        for (size_t i = 0; i < n; ++i) {
            matches_at(table(i), piece, i, s.matches);
            s.offsets.push_back(static_cast<uint32_t>(s.matches.size()));
        }
        s.todo.assign(1, {0, static_cast<uint32_t>(n), -1});
        while (!s.todo.empty()) {
            const Scratch::Item item = s.todo.back();
            s.todo.pop_back();
            if (item.id >= 0) {
                out.push_back(item.id);
                continue;
            }
            if (item.lo == item.hi) continue;
            uint32_t best_len = 0, best_i = 0;
            int32_t best_id = -1;
            for (uint32_t i = item.lo; i < item.hi && item.hi - i > best_len; ++i) {
                // The longest match at i that fits in the span (matches are shortest first).
                for (uint32_t m = s.offsets[i + 1]; m-- > s.offsets[i];) {
                    const Match& match = s.matches[m];
                    if (match.length > item.hi - i) continue;
                    if (match.length > best_len) best_len = match.length, best_i = i, best_id = match.id;
                    break;
                }
            }
            if (best_id < 0) return false;
            s.todo.push_back({best_i + best_len, item.hi, -1});
            s.todo.push_back({0, 0, best_id});
            s.todo.push_back({item.lo, best_i, -1});
        }
        return true;
    }

    // Fewest tokens with PathPiece's official tie-break: the longest token ending at each
    // position among those reaching it in fewest tokens, read back from the end. Starts are
    // visited left to right and only a strictly smaller count replaces, so the first start to
    // reach an end with its final count (the longest token) stays.
    bool least_tokens(std::string_view piece, std::vector<int32_t>& out, Scratch& s) const {
        const size_t n = piece.size(), first = out.size();
        constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
        s.fewest.assign(n + 1, kNone);
        s.choice.assign(n + 1, {0, -1});
        s.fewest[0] = 0;
        for (size_t i = 0; i < n; ++i) {
            if (s.fewest[i] == kNone) continue;
            const Trie& trie = table(i);
            int32_t node = 0;
            for (size_t k = i; k < n; ++k) {
                node = trie.child(node, static_cast<uint8_t>(piece[k]));
                if (node < 0) break;
                const int32_t id = trie.id(node);
                if (id < 0 || s.fewest[i] + 1 >= s.fewest[k + 1]) continue;
                s.fewest[k + 1] = s.fewest[i] + 1;
                s.choice[k + 1] = {static_cast<uint32_t>(k + 1 - i), id};
            }
        }
        if (s.fewest[n] == kNone) return false;
        for (size_t end = n; end > 0; end -= s.choice[end].length) out.push_back(s.choice[end].id);
        std::reverse(out.begin() + first, out.end());
        return true;
    }

    // Best path from each position to the end, right to left; the value of a path is minus its
    // token count (scores null) or its summed scores. Lengths are tried longest first and only a
    // strictly better value replaces the choice: the longest-first tie-break.
    bool best_path(std::string_view piece, const double* scores, std::vector<int32_t>& out, Scratch& s) const {
        const size_t n = piece.size();
        const double worst = -std::numeric_limits<double>::infinity();
        s.value.assign(n + 1, worst);
        s.choice.assign(n + 1, {0, -1});
        s.value[n] = 0.0;
        for (size_t i = n; i-- > 0;) {
            s.matches.clear();
            matches_at(table(i), piece, i, s.matches);
            double best = worst;
            Match pick{0, -1};
            for (size_t m = s.matches.size(); m-- > 0;) {
                const Match& match = s.matches[m];
                const double rest = s.value[i + match.length];
                if (rest == worst) continue;
                const double v = rest + (scores ? scores[match.id] : -1.0);
                if (v > best) best = v, pick = match;
            }
            s.value[i] = best;
            s.choice[i] = pick;
        }
        if (n && s.choice[0].id < 0) return false;
        for (size_t i = 0; i < n; i += s.choice[i].length) out.push_back(s.choice[i].id);
        return true;
    }

    std::shared_ptr<Trie> start_, cont_, reversed_cont_;
    py::dict cont_items_;
    std::optional<int64_t> unk_id_;
    std::vector<double> scores_;
    bool has_scores_ = false;
    std::optional<int64_t> max_piece_chars_;
};

}  // namespace

PYBIND11_MODULE(_segment, m) {
    m.doc() = "Compiled segmentation methods (longest prefix/suffix/token, least tokens, likelihood).";
    py::class_<Segmenter>(m, "Segmenter")
        .def(py::init<const py::dict&, const py::dict&, bool, std::optional<int64_t>, std::optional<std::vector<double>>,
                      std::optional<int64_t>>(),
             py::arg("start"), py::arg("cont"), py::arg("shared"), py::arg("unk_id"), py::arg("scores"),
             py::arg("max_piece_chars"))
        .def("segment", &Segmenter::segment, py::arg("pieces"), py::arg("method"));
}
