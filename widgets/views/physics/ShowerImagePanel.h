#pragma once

#include "widgets/session/GanTypes.h"

#include <QString>
#include <QWidget>

#include <vector>

namespace neurino {

// Groups of 2-D images side by side (generated showers beside real ones), each group a grid under its
// title, all on one logarithmic colour scale (viridis) with a colour bar, because calorimeter cells span
// many decades of energy. Empty cells (0) are white. Takes data, not trainers.
class ShowerImagePanel : public QWidget {
    Q_OBJECT

public:
    struct Group {
        QString title;
        std::vector<ImageData> images;
        int columns = 1; // images per row of the group's grid
    };

    explicit ShowerImagePanel(QWidget* parent = nullptr);

    void setGroups(std::vector<Group> groups);
    const std::vector<Group>& groups() const { return m_groups; }
    // Shown instead of the images while there are none.
    void setPlaceholder(const QString& text);
    // A line under the images (what the axes are).
    void setNote(const QString& text);
    // Above the colour bar: the unit, short ("GeV per cell").
    void setColorBarTitle(const QString& text);

    int imageCount() const;
    // The colour scale: the smallest positive and the largest value of all images; 0 and 0 when no cell
    // is positive.
    double low() const { return m_low; }
    double high() const { return m_high; }

    QSize sizeHint() const override { return { 560, 300 }; }
    QSize minimumSizeHint() const override { return { 240, 150 }; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage render(const ImageData& image) const;
    void drawColorBar(QPainter& p, const QRect& area) const;
    double cellScale(const QSize& cells) const;
    double drawGroups(QPainter& p, const QSizeF& imageSize, double& x) const;

    std::vector<Group> m_groups;
    QString m_placeholder;
    QString m_note;
    QString m_colorBarTitle;
    double m_low = 0;
    double m_high = 0;
};

} // namespace neurino
