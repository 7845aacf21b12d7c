#include "app/gui/HelpMenu.h"

#include "app/gui/LayerReferenceDialog.h"

#include "core/graph/LayerRegistry.h"
#include "core/train/TrainConfig.h"
#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/RuntimeInfo.h"
#include "core/util/StructSchema.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMessageBox>

namespace neurino {

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><td>%1&nbsp;</td><td>%2</td></tr>").arg(name, value.toHtmlEscaped());
}

QString libraryText(const NumericLibrary& library)
{
    return qs(library.detail.empty() ? library.name : library.name + " " + library.detail);
}

// The versions and what LibTorch computes with (the same as `neurino-batch info`), with its warnings.
void showAbout(QWidget* window)
{
    QString device;
    try {
        const c10::Device chosen = selectDevice("auto");
        // On the CPU a run chooses its thread count when it starts (auto), so LibTorch's count now says
        // nothing.
        device = chosen.is_cuda()
            ? qs(describeDevice(chosen))
            : QObject::tr("CPU (threads: auto, timed for each model when training starts)");
    } catch (const Error& e) {
        device = qs(e.what());
    }
    const RuntimeInfo info = runtimeInfo();
    const QString table = row(QObject::tr("Qt"), qVersion())
        + row(QObject::tr("LibTorch"), qs(info.libtorch).remove("LibTorch "))
        + row(QObject::tr("BLAS"), libraryText(info.blas))
        + row(QObject::tr("LAPACK"), libraryText(info.lapack)) + row(QObject::tr("oneDNN"), qs(info.onednn))
        + row(QObject::tr("Parallelism"), qs(info.parallel))
        + row(QObject::tr("Usable cores"), QString::number(info.usableCores))
        + row(QObject::tr("Compute device"), device);
    QString warnings;
    for (const std::string& w : info.warnings)
        warnings += QStringLiteral("<p style='color:#b00020'>%1</p>").arg(qs(w).toHtmlEscaped());
    QMessageBox::about(window, QObject::tr("About Neurino"),
        QObject::tr("<h3>Neurino %1</h3><p>A workbench to compose, train and look inside neural networks, "
                    "for physics students.</p><table>%2</table>%3")
            .arg(NEURINO_VERSION, table, warnings));
}

QString settingHtml(const std::string& key, const QString& detail)
{
    const ParamSchema schema = trainConfigSchema().flat();
    const ParamSpec* spec = schema.find(key);
    if (!spec)
        return {};
    QString html = QStringLiteral("<h3>%1</h3>").arg(qs(key).toHtmlEscaped());
    if (!detail.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(detail.toHtmlEscaped());
    html += QStringLiteral("<p>%1.</p>").arg(qs(spec->help).toHtmlEscaped());
    html += QObject::tr("<p>Default: %1. A value must be %2.</p>")
                .arg(qs(spec->describeDefault()).toHtmlEscaped(), qs(spec->expectation()).toHtmlEscaped());
    html += QObject::tr(
        "<p>In a run spec or a <code>--config</code> file for <code>neurino-batch train</code> "
        "this setting is <code>%1</code> under <code>training</code>.</p>")
                .arg(qs(key).toHtmlEscaped());
    return html;
}

// A help text in a dialog of its own, or the whole layer reference scrolled to a layer.
void showHelp(QWidget* window, const QString& topic, const QString& detail)
{
    if (topic.startsWith("layer:") || topic.isEmpty()) {
        auto* dialog = new LayerReferenceDialog(window, topic.mid(6));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        return;
    }
    QMessageBox box(window);
    box.setWindowTitle(QObject::tr("Help"));
    box.setTextFormat(Qt::RichText);
    box.setText(helpHtml(topic, detail));
    box.exec();
}

} // namespace

QString helpHtml(const QString& topic, const QString& detail)
{
    if (topic.startsWith("setting:"))
        return settingHtml(topic.mid(8).toStdString(), detail);
    if (topic.startsWith("layer:")) {
        const LayerKind* kind = LayerRegistry::instance().find(topic.mid(6).toStdString());
        return kind ? LayerReferenceDialog::kindHtml(*kind) : QString();
    }
    return {};
}

void fillHelpMenu(QMenu* menu, QWidget* window, const HelpEntries& entries)
{
    QAction* welcome = menu->addAction(QObject::tr("&Welcome"), window, entries.welcome);
    welcome->setStatusTip(QObject::tr("The lessons, templates, recent models and runs, and the tour"));
    menu->addAction(QObject::tr("Two-Minute &Tour"), window, entries.tour)
        ->setStatusTip(QObject::tr("The parts of the window, one at a time"));
    menu->addAction(QObject::tr("&Lessons"), window, entries.lessons)
        ->setStatusTip(QObject::tr("Every lesson with its goal; open one to follow its guide"));
    menu->addSeparator();
    QAction* context = menu->addAction(QObject::tr("Help on the &Selected Item"), window, [window, entries] {
        const QWidget* focus = QApplication::focusWidget();
        showHelp(window, entries.topic(), focus ? focus->toolTip() : QString());
    });
    context->setObjectName("contextHelp");
    context->setShortcut(QKeySequence::HelpContents);
    context->setStatusTip(QObject::tr("Explains the selected layer, palette entry or training setting"));
    menu->addAction(QObject::tr("&Layer Reference"), window, [window] { showHelp(window, {}, {}); });
    menu->addSeparator();
    QAction* about = menu->addAction(QObject::tr("&About Neurino"), window, [window] { showAbout(window); });
    about->setMenuRole(QAction::AboutRole);
    menu->addAction(QObject::tr("About &Qt"), qApp, &QApplication::aboutQt);
}

} // namespace neurino
