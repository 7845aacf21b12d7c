#include "widgets/views/charts/ChartExport.h"

#include <QBoxLayout>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QPixmap>
#include <QSaveFile>
#include <QToolButton>

namespace neurino::ChartExport {

bool savePng(QWidget* widget, const QString& path, QString* error)
{
    const QPixmap pixmap = widget->grab();
    QSaveFile file(path);
    if (pixmap.isNull() || !file.open(QIODevice::WriteOnly) || !pixmap.save(&file, "PNG") || !file.commit()) {
        if (error)
            *error = QObject::tr("cannot write '%1': %2")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

bool saveText(const QString& path, const QString& text, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(text.toUtf8()) < 0
        || !file.commit()) {
        if (error)
            *error = QObject::tr("cannot write '%1': %2")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

QString csvField(const QString& text)
{
    if (!text.contains(',') && !text.contains('"') && !text.contains('\n'))
        return text;
    QString quoted = text;
    quoted.replace("\"", "\"\"");
    return "\"" + quoted + "\"";
}

void addButtons(QBoxLayout* layout, QWidget* target, const QString& baseName, std::function<QString()> csv)
{
    auto* png = new QToolButton;
    png->setText(QObject::tr("PNG…"));
    png->setToolTip(QObject::tr("Save this chart as a picture"));
    auto* table = new QToolButton;
    table->setText(QObject::tr("CSV…"));
    table->setToolTip(QObject::tr("Save the numbers behind this chart as a CSV table"));
    layout->addWidget(png);
    layout->addWidget(table);
    QObject::connect(png, &QToolButton::clicked, target, [target, baseName] {
        const QString path = QFileDialog::getSaveFileName(
            target, QObject::tr("Export Picture"), baseName + ".png", QObject::tr("PNG images (*.png)"));
        QString error;
        if (!path.isEmpty() && !savePng(target, path, &error))
            QMessageBox::warning(target, QObject::tr("Export Picture"), error);
    });
    QObject::connect(table, &QToolButton::clicked, target, [target, baseName, csv] {
        const QString path = QFileDialog::getSaveFileName(
            target, QObject::tr("Export Numbers"), baseName + ".csv", QObject::tr("CSV tables (*.csv)"));
        QString error;
        if (!path.isEmpty() && !saveText(path, csv(), &error))
            QMessageBox::warning(target, QObject::tr("Export Numbers"), error);
    });
}

} // namespace neurino::ChartExport
