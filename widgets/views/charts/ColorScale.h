#pragma once

#include <QColor>
#include <QString>

class QPainter;
class QRect;

namespace neurino {

// The colour maps of the views that show numbers as colours (kernels, feature maps): a diverging map
// centred at zero for signed values and a sequential one for magnitudes, with a colour bar to read them.
namespace ColorScale {

// ColorBrewer's RdBu reversed: blue for -1, white for 0, red for +1 (t is clamped to [-1, 1]).
QColor diverging(double t);
// Viridis: dark violet for 0 to yellow for 1 (t is clamped to [0, 1]).
QColor sequential(double t);

// The colour of `value` on a scale from `low` to `high`: diverging (symmetric about zero) when `signedScale`.
QColor colorOf(double value, double low, double high, bool signedScale);

// A vertical colour bar in `bar` with the high value at the top, tick labels to its right and `title`
// above it; the labels need about 70 pixels to the right.
void drawBar(QPainter& p, const QRect& bar, double low, double high, bool signedScale, const QString& title,
    const QColor& text);

} // namespace ColorScale

} // namespace neurino
