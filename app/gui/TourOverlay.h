#pragma once

#include <QPointer>
#include <QWidget>

#include <functional>
#include <vector>

class QFrame;
class QLabel;
class QPushButton;

namespace neurino {

// The two-minute tour: a dimmed window with one part lit at a time (the palette, the canvas, the
// properties, the training settings, the curves, the lessons) and a card beside it that says what the
// part does. Back and Next (the arrow keys) move through it, End Tour (Escape) ends it; the window below
// stays as the tour left it.
class TourOverlay : public QWidget {
    Q_OBJECT

public:
    struct Stop {
        QString title;
        QString text;
        // Makes the part visible (switches the layout, raises a panel) and returns it; null: no part lit.
        std::function<QWidget*()> show;
    };

    TourOverlay(QWidget* window, std::vector<Stop> stops);

    int current() const { return m_current; }
    int count() const { return static_cast<int>(m_stops.size()); }
    // The lit part of the current stop, in the window's coordinates (empty when none).
    QRect litRect() const { return m_lit; }
    QString currentTitle() const;

    void start();
    void next();
    void back();

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showStop(int index);
    void placeCard();

    std::vector<Stop> m_stops;
    int m_current = -1;
    QPointer<QWidget> m_target;
    QRect m_lit;
    QFrame* m_card;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_progress;
    QPushButton* m_back;
    QPushButton* m_next;
};

} // namespace neurino
