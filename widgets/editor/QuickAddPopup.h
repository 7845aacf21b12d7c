#pragma once

#include <QFrame>

class QLabel;
class QLineEdit;
class QListWidget;

namespace neurino {

// The searchable "add layer" box node editors open on a key press: type a few letters of a layer's name,
// its group or what it does, pick with the arrow keys and Enter. The chosen layer's explanation is shown
// while choosing, so the box teaches what each layer is for.
class QuickAddPopup : public QFrame {
    Q_OBJECT

public:
    explicit QuickAddPopup(QWidget* parent = nullptr);

    // Opens at `globalPos` with `text` already typed.
    void popup(QPoint globalPos, const QString& text = {});
    void setFilter(const QString& text);
    // The layer kinds shown, best match first.
    QStringList visibleKinds() const;
    QString currentKind() const;

signals:
    void kindChosen(const QString& kind);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void choose();
    void showExplanation();

    QLineEdit* m_filter;
    QListWidget* m_list;
    QLabel* m_explanation;
};

} // namespace neurino
