// The energy-resolution view from core's numbers: the points and fitted curves it draws, its summary and CSV,
// and a PNG export.
#include "widgets/views/charts/EnergyResolutionView.h"

#include "core/eval/EnergyResolution.h"

#include "tests/TestMain.h"

#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace neurino;

namespace {

// A method with resolution a/sqrt(E) (+) b and a bias, measured on smeared events in six bins of 10-100 GeV.
ResolutionCurve smeared(const std::string& label, double a, double b, double bias)
{
    std::mt19937_64 engine(3);
    std::uniform_real_distribution<double> energy(10, 100);
    std::normal_distribution<double> gauss;
    std::vector<double> truth, measured;
    for (int i = 0; i < 6000; ++i) {
        const double e = energy(engine);
        truth.push_back(e);
        measured.push_back(e * (1 + bias + std::sqrt(a * a / e + b * b) * gauss(engine)));
    }
    return { label, energyResolution(truth, measured, equalEdges(10, 100, 6)) };
}

template <typename Series> QList<Series*> seriesOf(const EnergyResolutionView& view)
{
    QList<Series*> out;
    for (QChartView* chartView : view.findChildren<QChartView*>())
        for (QAbstractSeries* s : chartView->chart()->series())
            if (auto* typed = qobject_cast<Series*>(s))
                out << typed;
    return out;
}

} // namespace

class TestEnergyResolutionView : public QObject {
    Q_OBJECT

private slots:
    void drawsPointsFitsAndBias()
    {
        EnergyResolutionView view;
        view.resize(900, 700);
        view.show();
        QVERIFY(view.summaryText().contains("baseline")); // empty: says which step fills it
        const auto sum = smeared("calibrated sum", 0.17, 0.04, 0.01);
        const auto cnn = smeared("CNN", 0.17, 0.01, 0.0);
        view.setCurves({ sum, cnn });

        // Two methods: a sigma/E and a bias scatter each, a fitted curve each and the zero-bias line.
        const auto scatters = seriesOf<QScatterSeries>(view);
        QCOMPARE(scatters.size(), 4);
        for (QScatterSeries* s : scatters)
            QCOMPARE(s->count(), 6);
        const auto lines = seriesOf<QLineSeries>(view);
        QCOMPARE(lines.size(), 3);
        // The sum's resolution points are core's numbers, in per cent.
        const QScatterSeries* sumSigma = scatters.front();
        QCOMPARE(sumSigma->name(), QString("calibrated sum"));
        QVERIFY(std::abs(sumSigma->at(0).y() - 100 * sum.result.bins[0].resolution) < 1e-9);
        QVERIFY(std::abs(sumSigma->at(0).x() - sum.result.bins[0].meanEnergy) < 1e-9);
        // The fitted curve passes through a/sqrt(E) (+) b at the range's ends.
        const QLineSeries* fit = lines.front();
        QCOMPARE(fit->name(), QString("fit"));
        QCOMPARE(fit->pen().color(), sumSigma->color());
        QVERIFY(std::abs(fit->at(0).y() - 100 * sum.result.fit.at(10.0)) < 1e-9);

        const QString summary = view.summaryText();
        QVERIFY(summary.contains("calibrated sum") && summary.contains("CNN"));
        QVERIFY(summary.contains(QString::number(100 * cnn.result.overallResolution, 'f', 2)));
        QCOMPARE(view.findChild<QLabel*>("energyResolutionSummary")->text(), summary);
    }

    void exportsCsvAndPng()
    {
        EnergyResolutionView view;
        view.resize(800, 600);
        view.show();
        view.setCurves({ smeared("CNN, \"MAPE\"", 0.15, 0.01, 0.0) });
        const QStringList rows = view.toCsv().trimmed().split('\n');
        QCOMPARE(rows.size(), 7); // header and six bins
        QVERIFY(rows[0].startsWith("method,e_low,e_high"));
        QVERIFY(rows[1].startsWith("\"CNN, \"\"MAPE\"\"\",10,25,"));
        QTemporaryDir dir;
        const QString png = dir.filePath("resolution.png");
        QString error;
        QVERIFY2(view.exportPng(png, &error), qPrintable(error));
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 300);

        view.clear();
        QVERIFY(view.curves().empty());
        QCOMPARE(seriesOf<QScatterSeries>(view).size(), 0);
        QCOMPARE(view.toCsv().trimmed().split('\n').size(), 1);
    }
};

NEURINO_TEST_MAIN(TestEnergyResolutionView)
#include "TestEnergyResolutionView.moc"
