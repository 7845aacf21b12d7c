// Shapes (EXERCISES.md section 1): balanced classes, values in [0,1], one whole shape per image.
#include "datasets/Catalog.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;
using namespace neurino::datasets;

class TestShapes : public QObject {
    Q_OBJECT

private slots:
    void layoutAndBalance()
    {
        const Dataset d = Catalog::instance().generate("shapes", nlohmann::json::object(), 900, 5);
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 900, 1, 32, 32 }));
        QCOMPARE(d.info.task, Task::Classification);
        QCOMPARE(d.info.classNames, (std::vector<std::string> { "circle", "square", "triangle" }));
        QVERIFY(torch::equal(d.targets.bincount(), torch::full({ 3 }, 300, torch::kInt64)));
        QVERIFY(d.features.min().item<float>() >= 0.0f);
        QVERIFY(d.features.max().item<float>() <= 1.0f);
        for (const char* extra : { "size", "center_x", "center_y", "rotation", "intensity" })
            QCOMPARE(d.extras.at(extra).size(0), std::int64_t(900));
    }

    // A shape cut by the border would lose area: the rendered area (pixel sum / fill value) must equal
    // size^2 up to the antialiasing error, for every image and every shape.
    void wholeShapeInside_data()
    {
        QTest::addColumn<double>("minSize");
        QTest::addColumn<double>("maxSize");
        QTest::newRow("small shapes") << 6.0 << 16.0;
        QTest::newRow("default sizes") << 8.0 << 18.0;
        QTest::newRow("largest shapes") << 19.0 << 20.0;
    }

    void wholeShapeInside()
    {
        QFETCH(double, minSize);
        QFETCH(double, maxSize);
        const Dataset d = Catalog::instance().generate(
            "shapes", { { "min_size", minSize }, { "max_size", maxSize }, { "supersample", 8 } }, 600, 9);
        const auto area = d.features.sum({ 1, 2, 3 }) / d.extras.at("intensity");
        const auto expected = d.extras.at("size").pow(2);
        const auto relative = ((area - expected) / expected).abs();
        QVERIFY2(
            relative.max().item<float>() < 0.03f, qPrintable(QString::number(relative.max().item<float>())));
        // Nothing touches the outermost pixel's far edge: the border rows and columns are at most partly lit.
        const auto border
            = torch::cat({ d.features.select(2, 0).flatten(1), d.features.select(2, 31).flatten(1),
                             d.features.select(3, 0).flatten(1), d.features.select(3, 31).flatten(1) },
                1);
        QVERIFY((border <= d.extras.at("intensity").unsqueeze(1) * 0.5f + 1e-6f).all().item<bool>());
    }

    void shapesDiffer()
    {
        // The fill of the bounding box tells the shapes apart: circle pi/4, square 1 to 1/2, triangle < 1/2.
        const Dataset d = Catalog::instance().generate("shapes", { { "supersample", 4 } }, 600, 11);
        const auto lit = d.features.squeeze(1) > 0.5 * d.extras.at("intensity").view({ -1, 1, 1 });
        std::vector<double> fill(3, 0.0);
        for (std::int64_t i = 0; i < d.size(); ++i) {
            const auto rows = lit[i].any(1).nonzero(), cols = lit[i].any(0).nonzero();
            const double box = double(rows.size(0)) * double(cols.size(0));
            fill[std::size_t(d.targets[i].item<std::int64_t>())] += lit[i].sum().item<double>() / box / 200.0;
        }
        QVERIFY2(fill[0] > 0.70 && fill[0] < 0.85, qPrintable(QString::number(fill[0])));
        QVERIFY2(fill[1] > 0.55 && fill[1] < 0.9, qPrintable(QString::number(fill[1])));
        QVERIFY2(fill[2] < 0.55, qPrintable(QString::number(fill[2])));
    }

    void noiseStaysInRange()
    {
        const Dataset d = Catalog::instance().generate("shapes", { { "noise", 0.2 } }, 90, 5);
        QVERIFY(d.features.min().item<float>() >= 0.0f);
        QVERIFY(d.features.max().item<float>() <= 1.0f);
        // The background is no longer empty.
        QVERIFY((d.features > 0).to(torch::kFloat32).mean().item<float>() > 0.4f);
    }
};

NEURINO_TEST_MAIN(TestShapes)
#include "TestShapes.moc"
