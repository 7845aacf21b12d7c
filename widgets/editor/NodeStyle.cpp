#include "widgets/editor/NodeStyle.h"

#include <QHash>
#include <QStringList>

namespace neurino::NodeStyle {

namespace {

using nlohmann::json;

QString pairText(const json& v)
{
    if (v.is_array() && v.size() == 2) {
        if (v[0] == v[1] && v[0].is_string())
            return QString::fromStdString(v[0].get<std::string>());
        auto part = [](const json& e) {
            return e.is_string() ? QString::fromStdString(e.get<std::string>())
                                 : QString::number(e.get<long long>());
        };
        const QString sep = v[0].is_string() ? QStringLiteral("/") : QStringLiteral("×");
        return part(v[0]) + sep + part(v[1]);
    }
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    return QString::fromStdString(v.dump());
}

// Short labels for the parameters most layers have; others show their own name.
QString shortName(const std::string& name)
{
    static const QHash<QString, QString> names
        = { { "kernel_size", "kernel" }, { "pool_size", "pool" }, { "strides", "stride" },
              { "target_shape", "to" }, { "negative_slope", "slope" }, { "use_bias", "bias" } };
    const QString n = QString::fromStdString(name);
    return names.value(n, n);
}

QString paramText(const ParamSpec& desc, const json& v)
{
    switch (desc.type) {
    case ParamType::Int:
        if (desc.name == "units" || desc.name == "filters") {
            const long long n = v.get<long long>();
            const QString noun = QString::fromStdString(desc.name);
            return QString::number(n) + " " + (n == 1 ? noun.chopped(1) : noun);
        }
        return shortName(desc.name) + " " + QString::number(v.get<long long>());
    case ParamType::Float:
        return shortName(desc.name) + " " + QString::number(v.get<double>(), 'g', 4);
    case ParamType::Bool:
        return (v.get<bool>() ? QString() : QStringLiteral("no ")) + shortName(desc.name);
    case ParamType::Choice:
    case ParamType::Text:
        return QString::fromStdString(v.get<std::string>());
    case ParamType::ChoiceList:
        return shortName(desc.name) + " " + QString::fromStdString(v.dump());
    case ParamType::IntPair:
        if (desc.name == "kernel_size")
            return pairText(v);
        return shortName(desc.name) + " " + pairText(v);
    case ParamType::ChoicePair:
        return pairText(v);
    case ParamType::IntList: {
        QStringList parts;
        for (const auto& e : v)
            parts << QString::number(e.get<long long>());
        const QString list = "(" + parts.join(", ") + ")";
        return desc.name == "shape" ? list : shortName(desc.name) + " " + list;
    }
    }
    return {};
}

// Settings that are noise at their usual value (stride 1, no padding, linear); sizes are always shown.
bool hiddenAtDefault(const ParamSpec& desc)
{
    static const QStringList names = { "strides", "activation", "use_bias", "momentum", "epsilon" };
    const bool choicePadding = desc.name == "padding" && desc.type != ParamType::IntPair;
    return choicePadding || names.contains(QString::fromStdString(desc.name));
}

} // namespace

QColor categoryColor(const QString& category)
{
    static const QHash<QString, QColor> colors = { { "Input/Output", QColor(0x2e, 0x7d, 0x32) },
        { "Core", QColor(0x15, 0x65, 0xc0) }, { "Convolution", QColor(0x6a, 0x1b, 0x9a) },
        { "Pooling", QColor(0x00, 0x83, 0x8f) }, { "Reshaping", QColor(0x6d, 0x4c, 0x41) },
        { "Normalization", QColor(0xe6, 0x51, 0x00) }, { "Regularization", QColor(0xad, 0x14, 0x57) },
        { "Activation", QColor(0xb2, 0x8a, 0x00) }, { "Merge", QColor(0x45, 0x5a, 0x64) } };
    return colors.value(category, QColor(0x54, 0x6e, 0x7a));
}

QString keyParamsText(const LayerKind& kind, const nlohmann::json& params)
{
    QStringList parts;
    for (const std::string& name : kind.keyParams) {
        const ParamSpec* desc = kind.param(name);
        if (!desc || !params.contains(name))
            continue;
        const json& value = params.at(name);
        if (!desc->required() && hiddenAtDefault(*desc)) {
            // Compare in canonical form: a default of 1 means [1, 1] for a pair.
            json def = desc->defaultValue;
            if (desc->type == ParamType::IntPair && def.is_number())
                def = json::array({ def, def });
            if (value == def)
                continue;
        }
        parts << paramText(*desc, value);
    }
    return parts.join(QStringLiteral(" · "));
}

QString shapeText(const std::optional<Shape>& shape)
{
    return shape ? QString::fromStdString(formatShape(*shape)) : QStringLiteral("?");
}

QString paramsText(const std::optional<ParamCount>& count, bool detailed)
{
    if (!count)
        return QStringLiteral("? params");
    if (count->total() == 0)
        return QStringLiteral("no weights");
    QString text = QString::fromStdString(formatCount(count->total())) + " params";
    if (detailed && count->nonTrainable > 0)
        text += " (" + QString::fromStdString(formatCount(count->nonTrainable)) + " non-trainable)";
    return text;
}

} // namespace neurino::NodeStyle
