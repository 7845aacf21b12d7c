#include "app/gui/HelpMenu.h"

#include "app/gui/LayerReferenceDialog.h"

#include "core/util/Device.h"
#include "core/util/Error.h"

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

void showAbout(QWidget* window)
{
    QString device;
    try {
        device = qs(describeDevice(selectDevice("auto")));
    } catch (const Error& e) {
        device = qs(e.what());
    }
    QMessageBox::about(window, QObject::tr("About Neurino"),
        QObject::tr("<h3>Neurino %1</h3><p>A workbench to compose, train and look inside neural networks, "
                    "for physics students.</p><table><tr><td>Qt</td><td>%2</td></tr><tr><td>LibTorch</td>"
                    "<td>%3</td></tr><tr><td>Compute device</td><td>%4</td></tr></table>")
            .arg(NEURINO_VERSION, qVersion(), qs(libtorchVersion()).remove("LibTorch "), device));
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
