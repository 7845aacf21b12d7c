#pragma once

#include "core/util/ParamSchema.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace neurino {

// The value at a dotted path of a JSON object ("optimizer.learning_rate"), or null.
inline nlohmann::json jsonValueAt(const nlohmann::json& doc, const std::string& path)
{
    const auto dot = path.find('.');
    if (!doc.is_object() || !doc.contains(path.substr(0, dot)))
        return {};
    const nlohmann::json& v = doc.at(path.substr(0, dot));
    return dot == std::string::npos ? v : jsonValueAt(v, path.substr(dot + 1));
}

// Sets {"optimizer": {"learning_rate": v}} for "optimizer.learning_rate": a patch that StructSchema::apply
// reads.
inline void jsonSetAt(nlohmann::json& doc, const std::string& path, const nlohmann::json& value)
{
    const auto dot = path.find('.');
    if (dot == std::string::npos)
        doc[path] = value;
    else
        jsonSetAt(doc[path.substr(0, dot)], path.substr(dot + 1), value);
}

// A schema whose entries are bound to the members of a struct (TrainConfig, GanConfig): the struct's JSON
// form, its reading with errors that name the source and the key, and its range and choice checks are all
// generated from the entries. Nested structs are entries too, written as nested JSON objects.
//
// Each entry records where its member lies (offset, size, alignment), so a test can prove that every member
// of the struct has an entry: a field added without one shows up as bytes no entry covers.
template <typename S> class StructSchema {
public:
    struct Entry {
        std::string key;
        std::size_t offset = 0;
        std::size_t size = 0;
        std::size_t align = 1;
        std::optional<ParamSpec> spec; // a leaf; empty for a nested struct
        std::vector<ParamSpec> leaves; // a nested struct's leaves, named by dotted path
        std::function<nlohmann::json(const S&)> get;
        // Sets the member from a value present in the document (checked; objects read key by key).
        std::function<void(S&, const nlohmann::json&, const SchemaWhere&)> read;
        std::function<void(const S&, const SchemaWhere&)> check;
    };

    // A leaf: int, std::int64_t, std::uint64_t, double, bool, std::string, std::vector<std::string> or
    // std::optional<double>. `get` replaces the member's own value in JSON (e.g. an effective default).
    template <typename T>
    StructSchema& field(T S::*member, ParamSpec spec, std::function<nlohmann::json(const S&)> get = {})
    {
        Entry e = place(member);
        e.key = spec.name;
        e.spec = spec;
        // Checked within what the member can hold too; shown (help, forms) with the schema's own range.
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            spec.minValue = std::max(spec.minValue, static_cast<double>(std::numeric_limits<T>::lowest()));
            spec.maxValue = std::min(spec.maxValue, static_cast<double>(std::numeric_limits<T>::max()));
        }
        e.get = get ? std::move(get) : std::function<nlohmann::json(const S&)>([member](const S& s) {
            if constexpr (std::is_same_v<T, std::optional<double>>)
                return s.*member ? nlohmann::json(*(s.*member)) : nlohmann::json();
            else
                return nlohmann::json(s.*member);
        });
        e.read = [member, spec](S& s, const nlohmann::json& value, const SchemaWhere& where) {
            const nlohmann::json v = ParamSchema::check(spec, value, where);
            if constexpr (std::is_same_v<T, std::optional<double>>)
                s.*member = v.is_null() ? std::optional<double>() : std::optional<double>(v.get<double>());
            else
                s.*member = v.get<T>();
        };
        e.check = [spec, get = e.get](
                      const S& s, const SchemaWhere& where) { ParamSchema::check(spec, get(s), where); };
        m_entries.push_back(std::move(e));
        return *this;
    }

    // A nested struct, written as the object `key`.
    template <typename T> StructSchema& nested(T S::*member, std::string key, const StructSchema<T>& inner)
    {
        auto shared = std::make_shared<StructSchema<T>>(inner);
        Entry e = place(member);
        e.key = key;
        for (ParamSpec leaf : inner.flat()) {
            leaf.name = key + "." + leaf.name;
            e.leaves.push_back(std::move(leaf));
        }
        e.get = [member, shared](const S& s) { return shared->toJson(s.*member); };
        e.read = [member, shared, key](S& s, const nlohmann::json& value, const SchemaWhere& where) {
            shared->apply(s.*member, value, where.nested(key));
        };
        e.check = [member, shared, key](const S& s, const SchemaWhere& where) {
            shared->validate(s.*member, where.nested(key));
        };
        m_entries.push_back(std::move(e));
        return *this;
    }

    const std::vector<Entry>& entries() const { return m_entries; }

    // Every leaf, nested ones named by dotted path ("optimizer.learning_rate"), defaults as in `S()`.
    ParamSchema flat() const
    {
        ParamSchema out;
        S defaults;
        for (const Entry& e : m_entries) {
            if (e.spec) {
                ParamSpec leaf = *e.spec;
                leaf.defaultValue = e.get(defaults);
                out.add(std::move(leaf));
            } else {
                const nlohmann::json inner = e.get(defaults);
                for (ParamSpec leaf : e.leaves) {
                    leaf.defaultValue = jsonValueAt(inner, leaf.name.substr(e.key.size() + 1));
                    out.add(std::move(leaf));
                }
            }
        }
        return out;
    }

    nlohmann::json toJson(const S& s) const
    {
        nlohmann::json out = nlohmann::json::object();
        for (const Entry& e : m_entries)
            out[e.key] = e.get(s);
        return out;
    }

    // Reads the keys present in `doc` into `s`; the others keep their values. A null value counts as absent.
    // Unknown keys, wrong types and out-of-range values throw through `where`, naming the key.
    void apply(S& s, const nlohmann::json& doc, const SchemaWhere& where) const
    {
        if (doc.is_null())
            return;
        if (!doc.is_object()) {
            const std::string path
                = where.prefix.empty() ? "" : where.prefix.substr(0, where.prefix.size() - 1);
            where.fail((where.owner.empty() ? "" : where.owner + ": ")
                + (path.empty() ? "the " + where.noun + "s" : "'" + path + "'")
                + " must be a JSON object, not " + doc.dump());
        }
        ParamSchema keys;
        for (const Entry& e : m_entries) {
            ParamSpec key;
            key.name = e.key;
            keys.add(key);
        }
        for (auto it = doc.begin(); it != doc.end(); ++it)
            keys.known(it.key(), where);
        for (const Entry& e : m_entries) {
            const auto it = doc.find(e.key);
            if (it != doc.end() && !it->is_null())
                e.read(s, *it, where);
        }
    }

    S fromJson(const nlohmann::json& doc, const SchemaWhere& where) const
    {
        S s {};
        apply(s, doc, where);
        return s;
    }

    // The range and choice checks of every entry; cross-field checks stay with the struct.
    void validate(const S& s, const SchemaWhere& where) const
    {
        for (const Entry& e : m_entries)
            e.check(s, where);
    }

private:
    template <typename T> Entry place(T S::*member) const
    {
        Entry e;
        const auto* base = reinterpret_cast<const unsigned char*>(&m_probe);
        e.offset
            = static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(&(m_probe.*member)) - base);
        e.size = sizeof(T);
        e.align = alignof(T);
        return e;
    }

    S m_probe {};
    std::vector<Entry> m_entries;
};

} // namespace neurino
