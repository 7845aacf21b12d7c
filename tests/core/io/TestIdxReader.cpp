// IDX files (MNIST format): plain and gzip-compressed, every element type, big-endian decoding, limits,
// and the errors for missing, truncated and foreign files; the real Fashion-MNIST files when installed.
#include "core/io/IdxReader.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>
#include <zlib.h>

#include <fstream>

using namespace neurino;

namespace {

// The bytes of an IDX file with the given type code and dimensions; `payload` is already big-endian.
std::string idxBytes(std::uint8_t type, const std::vector<std::uint32_t>& dims, const std::string& payload)
{
    std::string out = { 0, 0, char(type), char(dims.size()) };
    for (std::uint32_t d : dims) {
        out += char(d >> 24);
        out += char((d >> 16) & 0xFF);
        out += char((d >> 8) & 0xFF);
        out += char(d & 0xFF);
    }
    return out + payload;
}

void writeFile(const std::string& path, const std::string& bytes, bool gzip)
{
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        gzwrite(f, bytes.data(), unsigned(bytes.size()));
        gzclose(f);
    } else {
        std::ofstream(path, std::ios::binary) << bytes;
    }
}

} // namespace

class TestIdxReader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void uint8Images_data()
    {
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << false;
        QTest::newRow("gzip") << true;
    }

    void uint8Images()
    {
        QFETCH(bool, gzip);
        std::string pixels;
        for (int i = 0; i < 2 * 3 * 4; ++i)
            pixels += char(i * 10);
        const std::string file = path(gzip ? "img.gz" : "img");
        writeFile(file, idxBytes(0x08, { 2, 3, 4 }, pixels), gzip);
        const torch::Tensor t = IdxReader::read(file);
        QCOMPARE(t.scalar_type(), torch::kUInt8);
        QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 2, 3, 4 }));
        QCOMPARE(t[1][2][3].item<int>(), 230);
        QCOMPARE(IdxReader::readHeader(file).shape, (std::vector<std::int64_t> { 2, 3, 4 }));
        const torch::Tensor first = IdxReader::read(file, 1);
        QCOMPARE(first.sizes().vec(), (std::vector<std::int64_t> { 1, 3, 4 }));
        QVERIFY(torch::equal(first[0], t[0]));
    }

    void bigEndianTypes()
    {
        // int32 values 1 and -2, float32 1.5: stored big-endian.
        writeFile(
            path("i32"), idxBytes(0x0C, { 2 }, std::string("\x00\x00\x00\x01\xFF\xFF\xFF\xFE", 8)), false);
        const torch::Tensor i = IdxReader::read(path("i32"));
        QCOMPARE(i.scalar_type(), torch::kInt32);
        QCOMPARE(i[0].item<int>(), 1);
        QCOMPARE(i[1].item<int>(), -2);
        writeFile(path("f32"), idxBytes(0x0D, { 1 }, std::string("\x3F\xC0\x00\x00", 4)), true);
        QCOMPARE(IdxReader::read(path("f32"))[0].item<float>(), 1.5f);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("truncated") << QByteArray::fromStdString(idxBytes(0x08, { 10, 28, 28 }, "abc"))
                                   << "truncated";
        QTest::newRow("bad magic") << QByteArray("PK\x03\x04 not idx at all") << "not an IDX file";
        QTest::newRow("bad type") << QByteArray::fromStdString(idxBytes(0x42, { 1 }, "a"))
                                  << "not an IDX file";
        QTest::newRow("empty") << QByteArray() << "truncated";
    }

    void errors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        const std::string file = path("broken-idx");
        writeFile(file, bytes.toStdString(), false);
        try {
            IdxReader::read(file);
            QFAIL("no exception");
        } catch (const IoError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains(fragment) && message.contains("broken-idx"), e.what());
        }
    }

    void missingFile() { QVERIFY_THROWS_EXCEPTION(IoError, IdxReader::read(path("absent.gz"))); }

    void realFashionMnist()
    {
        const std::string file = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
        if (!QFile::exists(QString::fromStdString(file)))
            QSKIP("dataset-fashion-mnist is not installed");
        const torch::Tensor labels = IdxReader::read(file);
        QCOMPARE(labels.sizes().vec(), (std::vector<std::int64_t> { 10000 }));
        QCOMPARE(labels.max().item<int>(), 9);
        // The test split is balanced: 1,000 of each class.
        QCOMPARE(labels.eq(3).sum().item<std::int64_t>(), std::int64_t(1000));
        const auto header
            = IdxReader::readHeader("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
        QCOMPARE(header.shape, (std::vector<std::int64_t> { 10000, 28, 28 }));
    }
};

NEURINO_TEST_MAIN(TestIdxReader)
#include "TestIdxReader.moc"
