#pragma once

#include <QDockWidget>

class QPlainTextEdit;

namespace neurino {

// A running log of what happened: files opened and saved, refused edits, errors with their full message.
// Later tools (training, data generation) write here too.
class LogDock : public QDockWidget {
    Q_OBJECT

public:
    enum class Level { Info, Warning, Error };

    explicit LogDock(QWidget* parent = nullptr);

    void append(const QString& text, Level level = Level::Info);
    QString text() const;

private:
    QPlainTextEdit* m_text;
};

} // namespace neurino
