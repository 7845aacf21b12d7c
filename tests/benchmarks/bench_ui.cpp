// Responsiveness of the workbench (issue "live training"): the longest stall of the UI event loop while the
// shapes CNN trains from the training dock, against the same loop left idle; and the time to redraw a loss
// chart of 100,000 per-batch points, against Qt Charts drawing all of them as a plain line series.
//   bench_ui [--events N] [--epochs N] [--points N]
#include "widgets/editor/GraphModel.h"
#include "widgets/session/RunScheduler.h"
#include "widgets/training/TrainingArea.h"
#include "widgets/training/TrainingDock.h"
#include "widgets/views/charts/MetricChart.h"

#include "core/graph/ModelJson.h"
#include "core/util/Resources.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QPixmap>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

using namespace neurino;

namespace {

constexpr int kTickMs = 5;
constexpr double kGoalMs = 50;

struct Stalls {
    qint64 longest = 0;
    double p99 = 0;
    std::size_t ticks = 0;
};

// Runs the event loop until `done` says so (or `ms` pass when `done` is empty), timing the gaps between
// ticks of a 5 ms timer: a gap much longer than 5 ms is a stall a user feels.
Stalls watchEventLoop(const std::function<bool()>& done, int ms)
{
    std::vector<qint64> gaps;
    QElapsedTimer since, total;
    QTimer ticker;
    ticker.setInterval(kTickMs);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (since.isValid())
            gaps.push_back(since.elapsed());
        since.start();
    });
    ticker.start();
    total.start();
    while (done ? !done() : total.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    ticker.stop();
    Stalls s;
    s.ticks = gaps.size();
    if (gaps.empty())
        return s;
    std::sort(gaps.begin(), gaps.end());
    s.longest = gaps.back();
    s.p99 = double(gaps[std::min(gaps.size() - 1, std::size_t(0.99 * double(gaps.size())))]);
    return s;
}

void stallWhileTraining(int events, int epochs)
{
    GraphModel model;
    RunScheduler session;
    TrainingDock dock(&model, &session);
    TrainingArea area(&session);
    model.setGraph(loadModel(templatePath("shapes_cnn")));
    dock.setEvents(events);
    dock.setEpochs(epochs);
    dock.setBatchSize(64);
    dock.resize(420, 800);
    area.resize(1200, 800);
    dock.show();
    area.show();

    const Stalls idle = watchEventLoop({}, 3000);
    bool finished = false;
    QObject::connect(&session, &RunScheduler::runFinished, [&] { finished = true; });
    QElapsedTimer wall;
    wall.start();
    if (!dock.start()) {
        std::fprintf(stderr, "bench_ui: the training dock did not start the shapes CNN\n");
        std::exit(1);
    }
    const Stalls training = watchEventLoop([&] { return finished; }, 0);
    const RunRecord& run = session.runs().back();
    double samplesPerSecond = 0;
    for (const EpochStats& e : run.epochs)
        samplesPerSecond += e.samplesPerSecond / double(run.epochs.size());

    std::printf("shapes CNN from the training dock: %d events, %zu epochs in %.1f s, %.0f samples/s, "
                "%lld batches\n",
        events, run.epochs.size(), wall.elapsed() / 1000.0, samplesPerSecond, (long long)run.batches);
    std::printf(
        "  event loop idle:     longest gap %4lld ms, 99th percentile %5.1f ms (%zu ticks of %d ms)\n",
        (long long)idle.longest, idle.p99, idle.ticks, kTickMs);
    std::printf("  event loop training: longest gap %4lld ms, 99th percentile %5.1f ms (%zu ticks)\n",
        (long long)training.longest, training.p99, training.ticks);
    std::printf("  longest stall / goal %.0f ms: %.2f   (/ idle: %.2f)\n", kGoalMs,
        double(training.longest) / kGoalMs,
        double(training.longest) / std::max<double>(1, double(idle.longest)));
}

// A noisy, decaying training loss of `n` batches over 100 epochs.
std::vector<QPointF> lossCurve(int n)
{
    std::mt19937 rng(42);
    std::normal_distribution<double> noise(0, 0.05);
    std::vector<QPointF> points;
    points.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        const double x = 100.0 * i / n;
        points.emplace_back(x, std::max(1e-3, 0.1 + 2.0 * std::exp(-x / 15) + noise(rng)));
    }
    return points;
}

// The median of `repeats` timings of `f` in milliseconds.
template <typename F> double medianMs(int repeats, F&& f)
{
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        QElapsedTimer t;
        t.start();
        f();
        times.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

void redrawLongCurve(int count)
{
    const std::vector<QPointF> points = lossCurve(count);
    const int batchesPerEpoch = count / 100;

    MetricChart chart;
    chart.resize(1200, 700);
    chart.show();
    chart.addRun(1, "run 1");
    QElapsedTimer feed;
    feed.start();
    for (int i = 0; i < count; ++i) {
        BatchStats b;
        b.epoch = i / batchesPerEpoch + 1;
        b.batch = i % batchesPerEpoch + 1;
        b.batches = batchesPerEpoch;
        chart.addBatch(1, b, points[std::size_t(i)].y());
    }
    const double feedMs = double(feed.nsecsElapsed()) / 1e6;
    QCoreApplication::processEvents();
    const double ours = medianMs(5, [&] { chart.grab(); });

    // The peer: the same points in one Qt Charts line series, as a chart without thinning draws them.
    QChart* peerChart = new QChart;
    auto* series = new QLineSeries;
    series->replace(QList<QPointF>(points.begin(), points.end()));
    peerChart->addSeries(series);
    peerChart->createDefaultAxes();
    QChartView peer(peerChart);
    peer.resize(1200, 700);
    peer.show();
    QCoreApplication::processEvents();
    const double plain = medianMs(5, [&] { peer.grab(); });

    std::printf("loss chart of %d per-batch points (1200x700): fed in %.0f ms (%.2f us per batch report), "
                "%d points drawn\n",
        count, feedMs, 1000.0 * feedMs / count, chart.drawnBatchPointCount(1));
    std::printf("  redraw: MetricChart %.1f ms, plain QLineSeries %.1f ms, ratio %.3f (%.1fx faster)\n", ours,
        plain, ours / plain, plain / ours);
}

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY")
        && !qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int events = 6000, epochs = 2, points = 100000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--events"))
            events = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--epochs"))
            epochs = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--points"))
            points = std::atoi(argv[i + 1]);
    }
    redrawLongCurve(points);
    stallWhileTraining(events, epochs);
    return 0;
}
