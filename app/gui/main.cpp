// neurino: the workbench. `neurino [FILE]` opens a model; `neurino --screenshot FILE.png ...` renders the
// window offscreen and exits (for tests, reviewers and the README).
#include "app/gui/MainWindow.h"
#include "app/gui/ModelDocument.h"
#include "app/gui/ScreenshotRegistry.h"
#include "app/gui/ScreenshotRunner.h"
#include "core/io/Hdf5Probe.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QTextStream>
#include <QTimer>

#include <cstring>

namespace {

// A screenshot, the help and the version need no display: the offscreen platform serves them on a machine
// without one (over ssh, on a cluster node) instead of Qt's abort for want of an X server.
bool needsNoDisplay(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (std::strcmp(a, "--screenshot") == 0 || std::strncmp(a, "--screenshot=", 13) == 0)
            return true;
        for (const char* word : { "-h", "--help", "--help-all", "-v", "--version" }) {
            if (std::strcmp(a, word) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    // Picked before Qt looks for a display.
    if (needsNoDisplay(argc, argv) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setOrganizationName("Neurino");
    QApplication::setApplicationName("Neurino");
    QApplication::setApplicationVersion(NEURINO_VERSION);
    // The installed desktop entry and icon (packaging/): the window takes them in menus and task bars.
    QGuiApplication::setDesktopFileName("neurino");
    QApplication::setWindowIcon(QIcon::fromTheme("neurino"));

    QCommandLineParser parser;
    parser.setApplicationDescription("Neurino: compose, train and look inside neural networks.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "file", "A model file (*.neurino.json), a checkpoint or a Keras .h5 model to open.", "[FILE]");
    const QCommandLineOption screenshot(
        "screenshot", "Render the window offscreen into FILE.png and exit.", "FILE.png");
    const QCommandLineOption model("model",
        "With --screenshot: the model to show, a model file, a checkpoint or a Keras .h5 (default: "
        "shapes_dense).",
        "M.neurino.json");
    const QCommandLineOption exercise("exercise", "With --screenshot: an exercise to show.", "NAME");
    const QCommandLineOption view("view", "With --screenshot: what to show (default: editor).", "NAME");
    const QCommandLineOption size("size", "With --screenshot: the window size (default: 1600x1000).", "WxH");
    parser.addOptions({ screenshot, model, exercise, view, size });
    parser.process(app);

    // HDF5 files Neurino did not write are first walked by `neurino-batch probe` in a child process, so that
    // a malformed one that crashes libhdf5 costs a message, not the session. neurino-batch lies beside the
    // workbench when installed, in its own folder of a build tree.
    for (const char* relative : { "/neurino-batch", "/../batch/neurino-batch" }) {
        const QFileInfo batch(QCoreApplication::applicationDirPath() + relative);
        if (batch.isExecutable()) {
            neurino::hdf5::setProbeProgram(batch.canonicalFilePath().toStdString());
            break;
        }
    }

    QTextStream err(stderr);
    if (parser.isSet(screenshot)) {
        neurino::ScreenshotRequest request;
        request.output = parser.value(screenshot);
        request.model = parser.value(model);
        request.exercise = parser.value(exercise);
        request.view = parser.value(view);
        if (parser.isSet(size)) {
            const QStringList parts = parser.value(size).toLower().split('x');
            const int w = parts.size() == 2 ? parts[0].toInt() : 0;
            const int h = parts.size() == 2 ? parts[1].toInt() : 0;
            if (w < 200 || h < 200) {
                err << "neurino: --size must be WIDTHxHEIGHT, e.g. 1600x1000\n";
                return 2;
            }
            request.size = QSize(w, h);
        }
        return neurino::runScreenshot(request, err);
    }
    if (parser.isSet(model) || parser.isSet(exercise) || parser.isSet(view) || parser.isSet(size)) {
        err << "neurino: --model, --exercise, --view and --size go with --screenshot; to open a model, "
               "give its file: neurino FILE\n";
        return 2;
    }

    neurino::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty())
        window.document()->openFile(files.front());
    else
        window.showWelcomeAtStart();
    QTimer::singleShot(0, window.document(), &neurino::ModelDocument::offerRecovery);
    return app.exec();
}
