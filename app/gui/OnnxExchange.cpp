// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/io/OnnxExport.h"
#include "core/io/OnnxImport.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

#include "app/gui/OnnxExchange.h"

#include "app/gui/ModelDocument.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

QString lastDirectory()
{
    return QSettings().value("lastDirectory", QDir::homePath()).toString();
}

} // namespace

OnnxExchange::OnnxExchange(ModelDocument* document, QWidget* dialogParent)
    : QObject(document)
    , m_document(document)
    , m_dialogParent(dialogParent)
    , m_chooser([this](Choice choice) { return dialogChoice(choice); })
    , m_export(new QAction(tr("&ONNX…"), this))
    , m_import(new QAction(tr("Import &ONNX Model…"), this))
{
    m_export->setObjectName("exportOnnxAction");
    m_export->setStatusTip(tr("Write a trained checkpoint as an ONNX file for ONNX Runtime, hls4ml and other "
                              "ONNX readers"));
    m_import->setObjectName("importOnnxAction");
    m_import->setStatusTip(tr("Open an ONNX model's graph on the canvas"));
    m_export->setEnabled(onnxAvailable());
    m_import->setEnabled(onnxAvailable());
    connect(m_export, &QAction::triggered, this, [this] {
        const QString checkpoint = m_chooser(Choice::Checkpoint);
        if (checkpoint.isEmpty())
            return;
        const QString out = m_chooser(Choice::OnnxToWrite);
        if (!out.isEmpty())
            exportCheckpoint(checkpoint, out);
    });
    connect(m_import, &QAction::triggered, this, [this] {
        if (!m_document->maybeSave())
            return;
        const QString file = m_chooser(Choice::OnnxToRead);
        if (!file.isEmpty())
            importFile(file);
    });
}

QString OnnxExchange::dialogChoice(Choice choice) const
{
    switch (choice) {
    case Choice::Checkpoint:
        return QFileDialog::getOpenFileName(m_dialogParent, tr("Export to ONNX: the Trained Checkpoint"),
            lastDirectory(), tr("Neurino checkpoints (*.h5);;All files (*)"));
    case Choice::OnnxToWrite:
        return QFileDialog::getSaveFileName(m_dialogParent, tr("Export to ONNX"),
            lastDirectory() + "/" + m_document->displayName() + ".onnx", tr("ONNX models (*.onnx)"));
    case Choice::OnnxToRead:
        return QFileDialog::getOpenFileName(m_dialogParent, tr("Import ONNX Model"), lastDirectory(),
            tr("ONNX models (*.onnx);;All files (*)"));
    }
    return {};
}

bool OnnxExchange::exportCheckpoint(const QString& checkpoint, const QString& onnxFile)
{
    try {
        const std::string source = QFileInfo(checkpoint).absoluteFilePath().toStdString();
        const Checkpoint c = loadCheckpoint(source);
        const std::string bytes = exportOnnx(c, source, OnnxExportOptions {});
        writeOnnxFile(bytes, onnxFile.toStdString());
        QSettings().setValue("lastDirectory", QFileInfo(onnxFile).absolutePath());
        emit message(tr("Exported %1 (epoch %2) to %3: ONNX opset %4, %5 kB.")
                         .arg(qs(c.graph.name()))
                         .arg(c.epoch)
                         .arg(QDir::toNativeSeparators(onnxFile))
                         .arg(kOnnxMinOpset)
                         .arg((bytes.size() + 512) / 1024),
            LogDock::Level::Info);
        for (const std::string& caution : onnxRuntimeCautions(c.graph))
            emit message(qs(caution) + ".", LogDock::Level::Warning);
        return true;
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot export to ONNX"), qs(e.what()));
        return false;
    }
}

bool OnnxExchange::importFile(const QString& onnxFile)
{
    try {
        const Checkpoint c = importOnnxFile(QFileInfo(onnxFile).absoluteFilePath().toStdString());
        QSettings().setValue("lastDirectory", QFileInfo(onnxFile).absolutePath());
        m_document->openImported(c.graph, onnxFile);
        emit message(tr("Its weights start the next training run (the training dock's \"Start from the "
                        "weights of %1\"); `neurino-batch import onnx %1 --out model.h5` makes a checkpoint "
                        "of them.")
                         .arg(QFileInfo(onnxFile).fileName()),
            LogDock::Level::Info);
        return true;
    } catch (const Error& e) {
        emit errorOccurred(tr("Cannot import the ONNX model"), qs(e.what()));
        return false;
    }
}

} // namespace neurino
