#include "app/gui/HelpMenu.h"

#include "app/gui/LayerReferenceDialog.h"

#include "core/util/Device.h"
#include "core/util/Error.h"
#include "core/util/RuntimeInfo.h"

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

} // namespace

void fillHelpMenu(QMenu* menu, QWidget* window)
{
    QAction* reference = menu->addAction(QObject::tr("&Layer Reference"), window, [window] {
        auto* dialog = new LayerReferenceDialog(window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    reference->setShortcut(QKeySequence::HelpContents);
    menu->addSeparator();
    QAction* about = menu->addAction(QObject::tr("&About Neurino"), window, [window] { showAbout(window); });
    about->setMenuRole(QAction::AboutRole);
    menu->addAction(QObject::tr("About &Qt"), qApp, &QApplication::aboutQt);
}

} // namespace neurino
