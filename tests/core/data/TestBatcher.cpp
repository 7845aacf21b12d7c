// Batches: every row once per epoch, seeded order per epoch, no copy of the dataset, standardised features.
#include "core/data/Batcher.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;

namespace {

Dataset ramp(std::int64_t n)
{
    Dataset d;
    d.features = torch::arange(n, torch::kFloat32).reshape({ n, 1 }).repeat({ 1, 2 });
    d.targets = torch::arange(n, torch::kInt64) % 2;
    d.info.task = Task::Binary;
    return d;
}

} // namespace

class TestBatcher : public QObject {
    Q_OBJECT

private slots:
    void everyRowOncePerEpoch_data()
    {
        QTest::addColumn<qint64>("batchSize");
        QTest::addColumn<bool>("dropLast");
        QTest::addColumn<qint64>("batches");
        QTest::addColumn<qint64>("samples");
        QTest::newRow("uneven") << qint64(16) << false << qint64(4) << qint64(50);
        QTest::newRow("drop last") << qint64(16) << true << qint64(3) << qint64(48);
        QTest::newRow("one batch") << qint64(64) << false << qint64(1) << qint64(50);
    }

    void everyRowOncePerEpoch()
    {
        QFETCH(qint64, batchSize);
        QFETCH(bool, dropLast);
        QFETCH(qint64, batches);
        QFETCH(qint64, samples);
        const Dataset d = ramp(100);
        const torch::Tensor part = torch::arange(0, 100, 2, torch::kInt64); // 50 rows
        BatcherOptions o;
        o.batchSize = batchSize;
        o.dropLast = dropLast;
        Batcher b(d, part, o);
        QCOMPARE(b.batchCount(), batches);
        std::vector<torch::Tensor> rows;
        for (std::int64_t i = 0; i < b.batchCount(); ++i) {
            const Batch batch = b.batch(i);
            QVERIFY(batch.features.select(1, 0).equal(batch.rows.to(torch::kFloat32)));
            QVERIFY(batch.targets.equal(batch.rows % 2));
            rows.push_back(batch.rows);
        }
        const torch::Tensor seen = std::get<0>(torch::sort(torch::cat(rows)));
        QCOMPARE(seen.numel(), samples);
        if (!dropLast)
            QVERIFY(seen.equal(part));
    }

    void orderIsSeededPerEpoch()
    {
        const Dataset d = ramp(200);
        BatcherOptions o;
        o.seed = 11;
        Batcher a(d, torch::arange(200, torch::kInt64), o), b(d, torch::arange(200, torch::kInt64), o);
        a.setEpoch(3);
        b.setEpoch(3);
        QVERIFY(a.order().equal(b.order()));
        b.setEpoch(4);
        QVERIFY(!a.order().equal(b.order()));
        // Replaying an epoch gives its order again, whatever came in between.
        const torch::Tensor third = a.order().clone();
        a.setEpoch(9);
        a.setEpoch(3);
        QVERIFY(a.order().equal(third));
        o.shuffle = false;
        Batcher plain(d, torch::arange(200, torch::kInt64), o);
        QVERIFY(plain.order().equal(torch::arange(200, torch::kInt64)));
    }

    void standardisesWithoutTouchingTheData()
    {
        const Dataset d = ramp(10);
        const Standardizer s(torch::tensor({ 4.5f, 4.5f }), torch::tensor({ 2.0f, 2.0f }));
        BatcherOptions o;
        o.shuffle = false;
        o.batchSize = 10;
        Batcher b(d, torch::arange(10, torch::kInt64), o, &s);
        QCOMPARE(b.batch(0).features[0][0].item<float>(), -2.25f);
        QCOMPARE(d.features[0][0].item<float>(), 0.0f);
    }

    void rejects()
    {
        const Dataset d = ramp(10);
        BatcherOptions o;
        o.batchSize = 0;
        QVERIFY_THROWS_EXCEPTION(DataError, Batcher(d, torch::arange(10, torch::kInt64), o));
        o.batchSize = 4;
        QVERIFY_THROWS_EXCEPTION(DataError, Batcher(d, torch::arange(5, 12, torch::kInt64), o));
        Batcher b(d, torch::arange(10, torch::kInt64), o);
        QVERIFY_THROWS_EXCEPTION(DataError, b.batch(3));
    }
};

NEURINO_TEST_MAIN(TestBatcher)
#include "TestBatcher.moc"
