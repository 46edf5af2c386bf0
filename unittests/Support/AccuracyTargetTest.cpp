//===- AccuracyTargetTest.cpp - --accuracy-target and argmax agreement ----===//

#include "npu/Support/AccuracyTarget.h"
#include "npu/Support/TensorMetrics.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace npu;

TEST(AccuracyTarget, ParsesBothMetrics) {
  std::string error;
  auto cos = parseAccuracyTarget("cos=0.995", error);
  ASSERT_TRUE(cos) << error;
  EXPECT_EQ(cos->metric, AccuracyMetric::Cosine);
  EXPECT_DOUBLE_EQ(cos->value, 0.995);
  auto top1 = parseAccuracyTarget("top1=1", error);
  ASSERT_TRUE(top1) << error;
  EXPECT_EQ(top1->metric, AccuracyMetric::Top1);
  EXPECT_DOUBLE_EQ(top1->value, 1.0);
  EXPECT_STREQ(accuracyMetricName(top1->metric), "top1");
  EXPECT_STREQ(accuracyMetricName(cos->metric), "cos");
}

TEST(AccuracyTarget, ParsesAMaskIouWithItsThreshold) {
  std::string error;
  auto iou = parseAccuracyTarget("iou@0.3=0.995", error);
  ASSERT_TRUE(iou) << error;
  EXPECT_EQ(iou->metric, AccuracyMetric::MaskIou);
  EXPECT_DOUBLE_EQ(iou->threshold, 0.3);
  EXPECT_DOUBLE_EQ(iou->value, 0.995);
  EXPECT_STREQ(accuracyMetricName(iou->metric), "iou");
  // Any finite threshold: a logit map thresholded at 0, a negative one.
  auto logits = parseAccuracyTarget("iou@-1.5=1", error);
  ASSERT_TRUE(logits) << error;
  EXPECT_DOUBLE_EQ(logits->threshold, -1.5);
}

TEST(AccuracyTarget, ParsesCtcWithItsBlankClass) {
  std::string error;
  auto ctc = parseAccuracyTarget("ctc=0.99", error);
  ASSERT_TRUE(ctc) << error;
  EXPECT_EQ(ctc->metric, AccuracyMetric::Ctc);
  EXPECT_DOUBLE_EQ(ctc->value, 0.99);
  EXPECT_EQ(ctc->blank, 0);
  EXPECT_STREQ(accuracyMetricName(ctc->metric), "ctc");
  auto last = parseAccuracyTarget("ctc@6624=1", error);
  ASSERT_TRUE(last) << error;
  EXPECT_EQ(last->metric, AccuracyMetric::Ctc);
  EXPECT_EQ(last->blank, 6624);
  EXPECT_DOUBLE_EQ(last->value, 1.0);
}

TEST(AccuracyTarget, RejectsWhatIsNotATarget) {
  for (const char *bad : {"",
                          "cos",
                          "cos=",
                          "cos=0",
                          "cos=-0.5",
                          "cos=1.01",
                          "cos=nan",
                          "cos=inf",
                          "cos=0.9x",
                          "cos= 0.9",
                          "sqnr=30",
                          "top1=2",
                          "Cos=0.9",
                          "top5=0.9",
                          "=0.9",
                          "iou=0.9",
                          "iou@=0.9",
                          "iou@x=0.9",
                          "iou@0.3",
                          "iou@0.3=0",
                          "iou@0.3=1.5",
                          "iou@inf=0.9",
                          "iou@nan=0.9",
                          "iou@ 0.3=0.9",
                          "iou0.3=0.9",
                          "iou@1e39=0.9",
                          "iou@-4e38=0.9",
                          "ctc",
                          "ctc=0",
                          "ctc=1.5",
                          "ctc@=0.9",
                          "ctc@-1=0.9",
                          "ctc@1.5=0.9",
                          "ctc@x=0.9",
                          "ctc@ 1=0.9",
                          "ctc@1234567890=0.9",
                          "ctcx=0.9"}) {
    std::string error;
    EXPECT_FALSE(parseAccuracyTarget(bad, error)) << bad;
    EXPECT_NE(error.find("expected cos=C"), std::string::npos) << bad;
  }
}

static HostTensor tensor(std::vector<int64_t> shape, std::vector<float> v) {
  HostTensor t(DType::F32, shape);
  for (size_t i = 0; i < v.size(); ++i)
    t.data<float>()[i] = v[i];
  return t;
}

TEST(ArgmaxMatches, CountsPositionsOverTheLastAxis) {
  // 3 positions of 4 classes: argmax 1, 3, 0 in the reference.
  HostTensor ref =
      tensor({1, 3, 4}, {0, 5, 1, 2, /**/ 0, 0, 0, 9, /**/ 7, 1, 1, 1});
  // The same, the same, a different class.
  HostTensor got =
      tensor({1, 3, 4}, {0, 4, 1, 2, /**/ 1, 0, 0, 2, /**/ 1, 6, 1, 1});
  int64_t matches = 0, positions = 0;
  std::string error;
  ASSERT_TRUE(countArgmaxMatches(ref, got, matches, positions, error));
  EXPECT_EQ(matches, 2);
  EXPECT_EQ(positions, 3);
  // It adds: a second sample counts on.
  ASSERT_TRUE(countArgmaxMatches(ref, ref, matches, positions, error));
  EXPECT_EQ(matches, 5);
  EXPECT_EQ(positions, 6);
}

TEST(ArgmaxMatches, TiesTakeTheFirstClassAndNaNNeverWins) {
  HostTensor ref = tensor({2, 3}, {1, 2, 2, /**/ NAN, 1, 3});
  HostTensor tie = tensor({2, 3}, {2, 2, 1, /**/ 3, NAN, 3});
  int64_t matches = 0, positions = 0;
  std::string error;
  ASSERT_TRUE(countArgmaxMatches(ref, tie, matches, positions, error));
  // Row 0: ref picks class 1 (the first of the tied 2s), got class 0.
  // Row 1: ref picks class 2 (NaN skipped), got class 0 (first of the 3s).
  EXPECT_EQ(matches, 0);
  EXPECT_EQ(positions, 2);
}

TEST(ArgmaxMatches, OneClassCountsNothingAndShapesMustAgree) {
  HostTensor scores = tensor({4, 1}, {0.1f, 0.9f, 0.5f, 0.2f});
  int64_t matches = 0, positions = 0;
  std::string error;
  ASSERT_TRUE(countArgmaxMatches(scores, scores, matches, positions, error));
  EXPECT_EQ(positions, 0);
  HostTensor other = tensor({1, 4}, {0.1f, 0.9f, 0.5f, 0.2f});
  EXPECT_FALSE(countArgmaxMatches(scores, other, matches, positions, error));
  EXPECT_NE(error.find("shapes differ"), std::string::npos);
}

TEST(MaskOverlap, CountsElementsAboveTheThresholdInBothAndEither) {
  HostTensor ref =
      tensor({2, 4}, {0.1f, 0.5f, 0.9f, 0.3f, /**/ 0.4f, 0, 1, 0.2f});
  HostTensor got =
      tensor({2, 4}, {0.4f, 0.2f, 0.8f, 0.3f, /**/ NAN, 0, 1, 0.2f});
  int64_t intersection = 0, unionCount = 0;
  std::string error;
  ASSERT_TRUE(countMaskOverlap(ref, got, 0.3, intersection, unionCount, error));
  // Above 0.3 (0.3 itself is not): ref {1, 2, 4, 6}, got {0, 2, 6}; NaN never.
  EXPECT_EQ(intersection, 2);
  EXPECT_EQ(unionCount, 5);
  // It adds: a second sample counts on.
  ASSERT_TRUE(countMaskOverlap(ref, ref, 0.3, intersection, unionCount, error));
  EXPECT_EQ(intersection, 6);
  EXPECT_EQ(unionCount, 9);
  HostTensor other = tensor({4, 2}, {0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_FALSE(
      countMaskOverlap(ref, other, 0.3, intersection, unionCount, error));
  EXPECT_NE(error.find("shapes differ"), std::string::npos);
}

TEST(CtcErrors, DecodesGreedilyAndCountsTheEditDistance) {
  // One sequence of 6 steps of 3 classes (blank 0). Reference argmax:
  // 1 1 0 1 2 0 -> labels [1, 1, 2] (the blank separates the repeat).
  HostTensor ref = tensor({1, 6, 3}, {0, 9, 0, /**/ 0, 9, 0, /**/ 9, 0, 0,
                                      /**/ 0, 9, 0, /**/ 0, 0, 9,
                                      /**/ 9, 0, 0});
  // argmax 1 1 1 1 2 0 -> labels [1, 2]: one deletion.
  HostTensor merged = tensor({1, 6, 3}, {0, 9, 0, /**/ 0, 9, 0, /**/ 0, 9, 0,
                                         /**/ 0, 9, 0, /**/ 0, 0, 9,
                                         /**/ 9, 0, 0});
  int64_t errors = 0, labels = 0;
  std::string error;
  ASSERT_TRUE(countCtcErrors(ref, merged, 0, errors, labels, error)) << error;
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(labels, 3);
  // A step whose argmax changes but no label does counts nothing: the last
  // step's blank read as 2 repeats the 2 before it.
  HostTensor same = tensor({1, 6, 3}, {0, 9, 0, /**/ 0, 9, 0, /**/ 9, 0, 0,
                                       /**/ 0, 9, 0, /**/ 0, 0, 9,
                                       /**/ 0, 0, 9});
  ASSERT_TRUE(countCtcErrors(ref, same, 0, errors, labels, error));
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(labels, 6);
  // With blank 2, class 0 is a label: the reference reads [1, 0, 1, 0].
  int64_t e2 = 0, l2 = 0;
  ASSERT_TRUE(countCtcErrors(ref, ref, 2, e2, l2, error));
  EXPECT_EQ(e2, 0);
  EXPECT_EQ(l2, 4); // 1, 0, 1, 0
}

TEST(CtcErrors, EverySequenceOfTheLeadingAxesAndSubstitutions) {
  // Two sequences of 2 steps of 2 classes, blank 0: ref [1], [1];
  // got [1], [] (second reads blank twice): one deletion.
  HostTensor ref = tensor({2, 2, 2}, {0, 1, 1, 0, /**/ 1, 0, 0, 1});
  HostTensor got = tensor({2, 2, 2}, {0, 1, 1, 0, /**/ 1, 0, 1, 0});
  int64_t errors = 0, labels = 0;
  std::string error;
  ASSERT_TRUE(countCtcErrors(ref, got, 0, errors, labels, error));
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(labels, 2);
  // A substitution: 3 classes, ref [2], got [1].
  HostTensor a = tensor({1, 3}, {0, 0, 1});
  HostTensor b = tensor({1, 3}, {0, 1, 0});
  errors = labels = 0;
  ASSERT_TRUE(countCtcErrors(a, b, 0, errors, labels, error));
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(labels, 1);
}

TEST(CtcErrors, BlankOutsideTheClassesShapesAndOneClass) {
  HostTensor ref = tensor({1, 2, 3}, {0, 1, 0, 0, 0, 1});
  int64_t errors = 0, labels = 0;
  std::string error;
  EXPECT_FALSE(countCtcErrors(ref, ref, 3, errors, labels, error));
  EXPECT_NE(error.find("blank class 3 is not one of the output's 3 classes"),
            std::string::npos)
      << error;
  HostTensor other = tensor({2, 3}, {0, 1, 0, 0, 0, 1});
  EXPECT_FALSE(countCtcErrors(ref, other, 0, errors, labels, error));
  EXPECT_NE(error.find("shapes differ"), std::string::npos);
  HostTensor scores = tensor({4, 1}, {0.1f, 0.9f, 0.5f, 0.2f});
  ASSERT_TRUE(countCtcErrors(scores, scores, 0, errors, labels, error));
  EXPECT_EQ(labels, 0);
  EXPECT_EQ(errors, 0);
}
