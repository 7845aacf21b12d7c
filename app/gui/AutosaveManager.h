#pragma once

#include "core/graph/ModelGraph.h"

#include <QDateTime>
#include <QList>
#include <QLockFile>
#include <QObject>
#include <QString>

#include <memory>

namespace neurino {

// Keeps a copy of unsaved work in the user's data folder, one file per running window, so that a crash
// loses at most one autosave interval. Each session holds a lock file beside its copy; a copy whose lock
// is free at the next start belongs to a session that ended without cleaning up, and is offered back.
class AutosaveManager : public QObject {
    Q_OBJECT

public:
    struct Entry {
        QString path; // the autosave file
        QString originalFile; // the model file it was editing; empty when untitled
        QString modelName;
        QDateTime savedAt;
    };

    // QStandardPaths' AppDataLocation + "/autosave".
    static QString defaultDirectory();

    explicit AutosaveManager(const QString& directory = defaultDirectory(), QObject* parent = nullptr);
    ~AutosaveManager() override;

    const QString& directory() const { return m_directory; }
    // The copy this session writes.
    QString filePath() const;

    // Writes the model atomically; throws IoError when the folder cannot be written.
    void save(const ModelGraph& graph, const QString& originalFile);
    // Removes this session's copy (the work was saved, or the window closed normally).
    void discard();
    // Lets go of the lock but keeps the copy, as a crash would; the next start then offers it.
    void abandon();

    // Copies left by sessions that did not end cleanly, newest first; never this session's or a running
    // one's.
    QList<Entry> recoverable() const;
    // Reads a copy; throws IoError or ModelError naming the file.
    static ModelGraph load(const Entry& entry);
    static void remove(const Entry& entry);

private:
    QString m_directory;
    QString m_session;
    std::unique_ptr<QLockFile> m_lock;
    bool m_abandoned = false;
};

} // namespace neurino
