// jsonInteger: a JSON number as an integer type only when it is a whole number the type holds.
#include "core/util/JsonNumbers.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

using namespace neurino;
using nlohmann::json;

class TestJsonNumbers : public QObject {
    Q_OBJECT

private slots:
    void wholeNumbersInRangeAreKept()
    {
        QCOMPARE(jsonInteger<int>(json(7)), std::optional<int>(7));
        QCOMPARE(jsonInteger<int>(json(-2147483648LL)), std::optional<int>(-2147483647 - 1));
        QCOMPARE(jsonInteger<int>(json(2147483647U)), std::optional<int>(2147483647));
        QCOMPARE(jsonInteger<int>(json(3.0)), std::optional<int>(3));
        QCOMPARE(jsonInteger<std::int64_t>(json::parse("9223372036854775807")),
            std::optional<std::int64_t>(9223372036854775807LL));
        QCOMPARE(jsonInteger<std::uint64_t>(json::parse("18446744073709551615")),
            std::optional<std::uint64_t>(18446744073709551615ULL));
        QCOMPARE(
            jsonInteger<std::int64_t>(json(-9.0e18)), std::optional<std::int64_t>(-9000000000000000000LL));
    }

    void othersAreRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("type");
        QTest::newRow("1e300 as int") << "1e300"
                                      << "int";
        QTest::newRow("-1e300 as int64") << "-1e300"
                                         << "int64";
        QTest::newRow("2^32 + 1 as int") << "4294967297"
                                         << "int";
        QTest::newRow("-2^31 - 1 as int") << "-2147483649"
                                          << "int";
        QTest::newRow("2^31 as a float, int") << "2147483648.0"
                                              << "int";
        QTest::newRow("2^63 as int64") << "9223372036854775808"
                                       << "int64";
        QTest::newRow("2^63 as a float, int64") << "9.223372036854775808e18"
                                                << "int64";
        QTest::newRow("-1 as uint64") << "-1"
                                      << "uint64";
        QTest::newRow("a fraction") << "2.5"
                                    << "int";
        QTest::newRow("a string") << "\"3\""
                                  << "int";
        QTest::newRow("true") << "true"
                              << "int";
        QTest::newRow("null") << "null"
                              << "int64";
    }

    void othersAreRefused()
    {
        QFETCH(QString, text);
        QFETCH(QString, type);
        const json value = json::parse(text.toStdString());
        if (type == "int")
            QVERIFY(!jsonInteger<int>(value));
        else if (type == "int64")
            QVERIFY(!jsonInteger<std::int64_t>(value));
        else
            QVERIFY(!jsonInteger<std::uint64_t>(value));
    }
};

NEURINO_TEST_MAIN(TestJsonNumbers)
#include "TestJsonNumbers.moc"
