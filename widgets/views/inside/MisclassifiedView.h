#pragma once

#include "widgets/session/InspectionTypes.h"

#include <QWidget>

class QLabel;
class QPushButton;
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
    // Shows only the samples of class `truth` taken for class `predicted` (a confusion matrix cell);
    // -1, -1 shows every one again. A cell on the diagonal, whose samples are right, shows every one.
    void setFilter(int truth, int predicted);
    bool filtered() const { return m_filterTruth >= 0; }
    const MisclassifiedData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    // Pictures in the gallery, or rows in the table (those the filter lets through).
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
    void refresh();
    // Indices of the items the filter lets through, most confident mistakes first.
    std::vector<int> order() const;

    MisclassifiedData m_data;
    QString m_runName;
    int m_filterTruth = -1;
    int m_filterPredicted = -1;
    QLabel* m_caption;
    QPushButton* m_showAll;
    QStackedWidget* m_stack;
    QScrollArea* m_scroll;
    Gallery* m_gallery;
    QTableWidget* m_table;
};

} // namespace neurino
