#pragma once

#include "core/graph/LayerRegistry.h"
#include "core/graph/Shape.h"

#include <QColor>
#include <QString>

namespace neurino {

// How a layer node looks; shared by the scene items, the automatic layout and the palette.
namespace NodeStyle {

// Size of a node on the canvas, in scene units (pixels at 100 % zoom).
constexpr double kWidth = 244;
constexpr double kHeight = 86;
// Vertical space between layers: room for the edge and its shape label.
constexpr double kLayerGap = 62;
// Horizontal space between nodes of the same layer.
constexpr double kSiblingGap = 44;
// Horizontal space between the columns a long network is folded into; edges climb in it.
constexpr double kBandGap = 150;

// The palette group's colour, used for the node's header and the palette entry.
QColor categoryColor(const QString& category);

// The key parameters of a layer as a student reads them: "units 512 · relu", "16 filters · 3×3 · same".
// Parameters still at their default are left out, except required ones.
QString keyParamsText(const LayerKind& kind, const nlohmann::json& params);

// "(16, 32, 32)", or "?" when unknown.
QString shapeText(const std::optional<Shape>& shape);

// "160 params", "no weights"; with `detailed`, "4,864 params (2 non-trainable)".
QString paramsText(const std::optional<ParamCount>& count, bool detailed = false);

} // namespace NodeStyle

} // namespace neurino
