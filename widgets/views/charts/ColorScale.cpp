#include "widgets/views/charts/ColorScale.h"

#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace neurino::ColorScale {

namespace {

struct Stop {
    double at;
    int r, g, b;
};

QColor interpolate(const Stop* stops, std::size_t count, double t)
{
    for (std::size_t i = 1; i < count; ++i) {
        if (t <= stops[i].at || i + 1 == count) {
            const Stop& a = stops[i - 1];
            const Stop& b = stops[i];
            const double f = std::clamp((t - a.at) / (b.at - a.at), 0.0, 1.0);
            return QColor(static_cast<int>(std::lround(a.r + f * (b.r - a.r))),
                static_cast<int>(std::lround(a.g + f * (b.g - a.g))),
                static_cast<int>(std::lround(a.b + f * (b.b - a.b))));
        }
    }
    return QColor(stops[0].r, stops[0].g, stops[0].b);
}

QString label(double v)
{
    return std::abs(v) < 1e-12 ? QStringLiteral("0") : QString::number(v, 'g', 3);
}

} // namespace

QColor diverging(double t)
{
    static constexpr std::array<Stop, 7> kStops { { { -1, 5, 48, 97 }, { -0.66, 33, 102, 172 },
        { -0.33, 146, 197, 222 }, { 0, 247, 247, 247 }, { 0.33, 244, 165, 130 }, { 0.66, 178, 24, 43 },
        { 1, 103, 0, 31 } } };
    return interpolate(kStops.data(), kStops.size(), std::clamp(t, -1.0, 1.0));
}

QColor sequential(double t)
{
    static constexpr std::array<Stop, 6> kStops { { { 0, 68, 1, 84 }, { 0.2, 65, 68, 135 },
        { 0.4, 42, 120, 142 }, { 0.6, 34, 168, 132 }, { 0.8, 122, 209, 81 }, { 1, 253, 231, 37 } } };
    return interpolate(kStops.data(), kStops.size(), std::clamp(t, 0.0, 1.0));
}

QColor colorOf(double value, double low, double high, bool signedScale)
{
    if (signedScale) {
        const double m = std::max(std::abs(low), std::abs(high));
        return diverging(m > 0 ? value / m : 0.0);
    }
    return sequential(high > low ? (value - low) / (high - low) : 0.5);
}

void drawBar(QPainter& p, const QRect& bar, double low, double high, bool signedScale, const QString& title,
    const QColor& text)
{
    p.save();
    if (signedScale) {
        const double m = std::max(std::abs(low), std::abs(high));
        low = -m;
        high = m;
    }
    QLinearGradient gradient(bar.topLeft(), bar.bottomLeft());
    for (int i = 0; i <= 10; ++i) {
        const double v = high - (high - low) * i / 10.0;
        gradient.setColorAt(i / 10.0, colorOf(v, low, high, signedScale));
    }
    p.setPen(QPen(text, 1));
    p.setBrush(gradient);
    p.drawRect(bar);
    const auto tick = [&](double fraction, double value) {
        const int y = bar.top() + static_cast<int>(std::lround(fraction * bar.height()));
        p.drawLine(bar.right(), y, bar.right() + 4, y);
        p.drawText(QRect(bar.right() + 7, y - 9, 80, 18), Qt::AlignLeft | Qt::AlignVCenter, label(value));
    };
    tick(0, high);
    tick(0.5, (low + high) / 2);
    tick(1, low);
    if (!title.isEmpty())
        p.drawText(QRect(bar.left() - 10, bar.top() - 36, 150, 32),
            Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap, title);
    p.restore();
}

} // namespace neurino::ColorScale
