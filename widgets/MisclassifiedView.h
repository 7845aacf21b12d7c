#pragma once

#include "widgets/InspectionTypes.h"

#include <QWidget>

class QLabel;
class QScrollArea;
class QStackedWidget;
class QTableWidget;

namespace neurino {

// The held-out samples a classifier gets wrong. For image data a gallery: each picture with its true and
// predicted class and the predicted probability, the most confident mistakes first. For other data a
// table of the same, with the sample's features. Takes data, not trainers.
class MisclassifiedView : public QWidget {
    Q_OBJECT

public:
    explicit MisclassifiedView(QWidget* parent = nullptr);

    void setData(const MisclassifiedData& data, const QString& runName = {});
    void clear();
    const MisclassifiedData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    // Pictures in the gallery, or rows in the table.
    int itemCount() const;
    bool showsGallery() const;
    QTableWidget* table() const { return m_table; }

    QWidget* plot() const;
    // row, true class, predicted class, p(predicted), p(true).
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    class Gallery;
    void fillTable();
    // Item indices, most confident mistakes first.
    std::vector<int> order() const;

    MisclassifiedData m_data;
    QLabel* m_caption;
    QStackedWidget* m_stack;
    QScrollArea* m_scroll;
    Gallery* m_gallery;
    QTableWidget* m_table;
};

} // namespace neurino
