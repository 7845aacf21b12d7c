#pragma once

#include "exercises/PadMap.h"

#include <QColor>
#include <QRectF>
#include <QWidget>

#include <cstdint>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPainter;

namespace neurino {

// The read-out plane of a TPC (rows x pads) coloured by pad class: as the eye-scan labelled it, as the
// network predicts it, or the true class. Pads where the network and the eye-scan disagree are marked with
// a red dot; a legend gives each class's colour and count. Hovering a pad tells its row, pad number and its
// three classes. Takes data, not lessons: feed it an exercises::PadMap.
class PadMapView : public QWidget {
    Q_OBJECT

public:
    enum class Mode { EyeScan, Predicted, Truth };

    explicit PadMapView(QWidget* parent = nullptr);

    void setData(const exercises::PadMap& map);
    void clear();
    const exercises::PadMap& data() const { return m_map; }

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void setDisagreementsMarked(bool on);

    // The classes the view colours by now (one per pad), and how many pads each class has.
    const std::vector<int>& shownClasses() const;
    std::vector<std::int64_t> shownCounts() const;
    // The pad under `pos` (widget coordinates): {row, pad}.
    std::optional<std::pair<int, int>> padAt(const QPointF& pos) const;
    // Where pad (row, pad) is drawn, in widget coordinates.
    QRectF padRect(int row, int pad) const;
    // "row 12, pad 87: eye-scan noisy, predicted noisy, true good"
    QString describePad(int row, int pad) const;
    static QColor classColor(int classIndex);
    // One row per pad: row, pad, eye_scan, predicted, true (class names; empty where there is none).
    QString toCsv() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Geometry {
        QRectF plane; // the pads
        QRectF legend;
        double cell = 0;
    };
    Geometry geometry() const;
    void paintPlane(QPainter& painter, const Geometry& g) const;
    void paintAxes(QPainter& painter, const Geometry& g) const;
    void paintLegend(QPainter& painter, const Geometry& g) const;
    QString className(int classIndex) const;
    void updateSummary();

    exercises::PadMap m_map;
    Mode m_mode = Mode::EyeScan;
    bool m_markDisagreements = true;
    QComboBox* m_modeBox;
    QCheckBox* m_markBox;
    QLabel* m_summary;
    QWidget* m_controls;
};

} // namespace neurino
