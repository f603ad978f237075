"""The financial-health section against seed 003 (Trang province, FY 2562 round 1).

The fixtures below are seed 003's raw numbers, transcribed table by table with the
seed table's Thai title; each test recomputes the seed's published figures from them
with finance.health. Where the seed's figure disagrees with the rule (or cannot come
from the numbers the seed prints) the test says so rather than bending the rule.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from domain.vocabulary import HospitalCriterion, RiskGroup
from finance.health import (
    ADDITIVE,
    DEFAULT,
    RATIO_INPUTS,
    UNIT_COST_INPUTS,
    cost_to_revenue,
    criteria,
    days_elapsed,
    grade,
    hospital_health,
    ip_revenue_share,
    month_position,
    planfin_variance,
    ratios,
    risk_group,
    risk_matrix,
    risk_score,
    round_half_up,
    seven_plus,
    thresholds_for,
    totals,
    unit_cost,
)
from templates import TEMPLATES

DEC, SEP = 12, 9  # data as of the end of December 2561 (Q1 FY 2562); end of September 2561 (FY 2561)

# The ten hospitals in the seed's order, with the codes and service levels of reference/data/units.csv.
HOSPITALS = pd.DataFrame({
    "unit_code": ["10683", "11407", "11408", "11409", "11410", "11411", "11412", "11413", "14139", "28817"],
    "name": ["รพ.ตรัง", "รพ.กันตัง", "รพ.ย่านตาขาว", "รพ.ปะเหลียน", "รพ.สิเกา", "รพ.ห้วยยอด", "รพ.วังวิเศษ", "รพ.นาโยง",
             "รพ.รัษฎา", "รพ.หาดสำราญ"],
    "service_level": ["A", "F1", "F1", "F2", "F2", "M2", "F2", "F2", "F2", "F2"],
})

# "ผลการประเมินภาวะวิกฤติทางการเงิน (Risk Scoring) ณ สิ้นไตรมาส 1/2562": CR, QR, Cash (printed rounded to
# 2 decimals), NWC, NI, and the published points Liq / status / survival / Risk Score.
RISK = pd.DataFrame([
    (3.17, 2.91, 1.46, 457_637_077.22, 120_468_491.72, 0, 0, 0, 0),
    (3.06, 2.79, 2.25, 50_849_399.91, 15_827_706.30, 0, 0, 0, 0),
    (1.12, 1.01, 0.78, 6_212_872.71, 1_999_634.38, 2, 0, 0, 2),
    (1.78, 1.57, 1.35, 18_283_701.94, 8_182_202.29, 0, 0, 0, 0),
    (1.38, 1.26, 1.06, 9_691_970.39, 8_192_932.37, 1, 0, 0, 1),
    (1.19, 1.08, 0.83, 16_474_137.60, 23_603_809.64, 1, 0, 0, 1),
    (1.60, 1.45, 1.29, 16_872_790.40, 3_836_831.21, 0, 0, 0, 0),
    (1.27, 1.09, 0.81, 10_055_557.17, 10_837_264.03, 1, 0, 0, 1),
    (1.68, 1.57, 1.32, 15_877_233.00, 9_116_861.13, 0, 0, 0, 0),
    (2.08, 1.93, 1.73, 14_125_601.50, 3_144_079.07, 0, 0, 0, 0),
], columns=["current_ratio", "quick_ratio", "cash_ratio", "nwc", "net_income", "pub_liquidity", "pub_status",
            "pub_survival", "pub_risk"])
# The same scores in the seed's summary slide "โรงพยาบาล Risk Score" (and the ธค. column of the history table).
RISK_SUMMARY = [0, 0, 2, 0, 1, 1, 0, 1, 0, 0]
# The same table's last columns, "เงินบำรุงคงเหลือ (หักหนี้แล้ว)" and "EBITDA", and its "ภาพรวมจังหวัด" row of four
# sums: NWC, NI, money left, EBITDA. (รพ.หาดสำราญ's two figures are equal in the seed.)
RISK_MONEY = pd.DataFrame([
    (98_045_341.65, 69_508_655.04), (30_455_596.21, 14_282_453.20), (-11_763_597.61, 2_984_077.51),
    (8_121_706.42, 6_839_824.28), (1_489_682.86, 7_391_620.87), (-15_376_778.25, 25_282_643.50),
    (8_319_882.51, 3_488_236.28), (-7_395_588.42, 11_276_420.07), (7_544_475.72, 9_300_569.69),
    (9_530_955.44, 9_530_955.44),
], columns=["maintenance_fund", "ebitda"])
RISK_TOTALS = (616_080_341.84, 205_209_812.14, 128_971_676.53, 159_885_455.88)
# "การจัดกลุ่มตามความเสี่ยงด้านการเงินของหน่วยบริการ": มั่นคง, เฝ้าระวัง, เฝ้าระวังอย่างใกล้ชิด.
RISK_GROUPS = {RiskGroup.STABLE: {"รพ.ตรัง", "รพ.กันตัง"},
               RiskGroup.WATCH: {"รพ.ปะเหลียน", "รพ.วังวิเศษ", "รพ.รัษฎา", "รพ.หาดสำราญ"},
               RiskGroup.CLOSE_WATCH: {"รพ.ห้วยยอด", "รพ.นาโยง", "รพ.สิเกา", "รพ.ย่านตาขาว"}}

# "ผลการประเมินประสิทธิภาพทางการเงิน (7 Plus) สิ้นไตรมาส 1/2562": indicators 320, 321, 260–264 and the
# published number passed and grade.
SEVEN_PLUS = pd.DataFrame({
    "operating_margin": [16.52, 27.49, 6.72, 17.49, 24.30, 30.43, 12.30, 27.82, 33.52, 29.16],
    "roa": [7.58, 10.77, 1.46, 11.31, 9.30, 9.91, 5.64, 12.85, 13.37, 4.05],
    "payment_period": [78.90, 71.79, 244.96, 145.59, 208.11, 269.47, 287.23, 273.63, 245.51, 220.51],
    "uc_collection_period": [83.52, 61.78, 45.23, 23.41, 38.58, 41.73, 42.20, 37.57, 57.16, 46.21],
    "csmbs_collection_period": [58.17, 76.19, 100.92, 54.08, 108.46, 51.94, 78.33, 103.96, 83.92, 57.48],
    "sss_collection_period": [88.48, 91.26, 93.15, 92.30, 148.05, 105.83, 96.83, 100.11, 99.63, 84.29],
    "inventory_period": [28.25, 47.70, 48.02, 68.12, 62.52, 46.28, 89.40, 83.19, 62.97, 77.73],
    "pub_passed": [5, 4, 3, 4, 3, 5, 3, 3, 3, 4],
    "pub_grade": ["B", "B-", "C", "B-", "C", "B", "C", "C", "C", "B-"],
})

# "Matrix Grading : Risk Scoring + 7 Plus Efficiency Score Q 1 Y 2562 จังหวัดตรัง": (risk, grade) → hospitals.
MATRIX = {(0, "B"): {"รพ.ตรัง"}, (1, "B"): {"รพ.ห้วยยอด"}, (0, "B-"): {"รพ.ปะเหลียน", "รพ.กันตัง", "รพ.หาดสำราญ"},
          (0, "C"): {"รพ.รัษฎา", "รพ.วังวิเศษ"}, (1, "C"): {"รพ.นาโยง", "รพ.สิเกา"}, (2, "C"): {"รพ.ย่านตาขาว"}}

# "ตารางแสดงประมาณการรายได้เปรียบเทียบรายได้จริงภาพรวมจังหวัดตรัง ปีงบประมาณ 2561" and "…ประมาณการรายจ่าย
# เปรียบเทียบรายจ่ายจริง… ปีงบประมาณ 2561": plan, actual at end of September 2561, published difference and %.
PLANFIN_2561 = pd.DataFrame([
    (1_688_200_000.00, 1_812_210_944.50, 124_010_944.50, 7.35, 1_537_000_000.00, 1_590_497_469.62, 53_497_469.62, 3.48),
    (202_343_500.00, 205_297_701.15, 2_954_201.15, 1.46, 200_785_183.00, 206_800_782.00, 6_015_599.00, 3.00),
    (176_358_730.81, 168_676_408.84, -7_682_321.97, -4.36, 168_220_973.37, 167_602_508.10, -618_465.27, -0.37),
    (142_597_813.09, 134_154_508.99, -8_443_304.10, -5.92, 130_580_902.22, 138_261_260.47, 7_680_358.25, 5.88),
    (109_685_000.00, 107_880_230.72, -1_804_769.28, -1.65, 105_122_804.75, 109_660_055.77, 4_537_251.02, 4.32),
    (251_519_529.89, 287_209_047.75, 35_689_517.86, 14.19, 250_865_300.00, 266_215_034.16, 15_349_734.16, 6.12),
    (108_256_000.00, 106_503_367.19, -1_752_632.81, -1.62, 102_743_820.00, 99_959_519.81, -2_784_300.19, -2.71),
    (134_244_599.55, 135_798_371.10, 1_553_771.55, 1.16, 133_779_267.00, 132_675_218.47, -1_104_048.53, -0.83),
    (92_343_237.08, 98_719_707.44, 6_376_470.36, 6.91, 90_188_403.16, 93_943_070.32, 3_754_667.16, 4.16),
    (58_097_614.20, 55_026_767.05, -3_070_847.15, -5.29, 53_932_535.07, 55_342_497.39, 1_409_962.32, 2.61),
], columns=["planfin_revenue", "revenue", "pub_revenue_variance", "pub_revenue_pct",
            "planfin_expense", "expense", "pub_expense_variance", "pub_expense_pct"])
# Their "รวม" rows: revenue 4.99 %, expense 3.16 %.

# "ตารางแสดงประมาณการรายได้เปรียบเทียบรายได้จริงภาพรวมจังหวัดตรัง ณ สิ้น ธันวาคม 2561" and the expense table
# "… ณ สิ้น ธันวาคม 2561": annual plan, published plan to the end of December, actual, difference and %.
PLANFIN_Q1 = pd.DataFrame([
    (1_558_277_515.00, 389_569_378.75, 522_721_848.56, 133_152_469.81, 34.18,
     1_487_251_800.00, 371_812_950.00, 402_253_356.84, 30_440_406.84, 8.19),
    (209_168_714.00, 52_292_178.50, 57_360_825.46, 5_068_646.96, 9.69,
     203_116_482.00, 50_779_120.50, 41_533_119.16, -9_246_001.34, -18.21),
    (191_851_357.09, 47_962_839.27, 47_075_276.10, -887_563.17, -1.85,
     176_539_683.93, 44_134_920.98, 45_075_641.72, 940_720.74, 2.13),
    (145_913_722.11, 36_478_430.53, 42_879_009.21, 6_400_578.68, 17.55,
     135_490_951.41, 33_872_737.85, 34_696_806.92, 824_069.07, 2.43),
    (117_023_000.00, 29_255_750.00, 33_330_567.86, 4_074_817.86, 13.93,
     115_453_421.65, 28_863_355.41, 25_137_635.49, -3_725_719.92, -12.91),
    (256_988_489.16, 64_247_122.29, 87_509_616.67, 23_262_494.38, 36.21,
     253_244_280.00, 63_311_070.00, 63_905_807.03, 594_737.03, 0.94),
    (113_721_500.00, 28_430_375.00, 30_212_709.94, 1_782_334.94, 6.27,
     102_524_698.00, 25_631_174.50, 26_375_878.73, 744_704.23, 2.91),
    (138_760_360.98, 34_690_090.25, 43_047_920.76, 8_357_830.52, 24.09,
     134_982_483.00, 33_745_620.75, 32_209_456.73, -1_536_164.02, -4.55),
    (110_240_453.61, 27_560_113.40, 31_711_342.19, 4_151_228.79, 15.06,
     106_123_367.96, 26_530_841.99, 22_594_481.06, -3_936_360.93, -14.84),
    (62_276_041.70, 15_569_010.43, 16_377_772.88, 808_762.46, 5.19,
     62_214_777.64, 15_553_694.41, 13_233_693.81, -2_320_000.60, -14.92),
], columns=["planfin_revenue", "pub_revenue_plan", "revenue", "pub_revenue_variance", "pub_revenue_pct",
            "planfin_expense", "pub_expense_plan", "expense", "pub_expense_variance", "pub_expense_pct"])
# Their "รวม" rows: revenue 25.64 %, expense 1.84 %.
# "ผลการประเมินตามประเด็นตรวจราชการการบริหารการเงินการคลัง รอบ 1/2562": per hospital 0/1 of its eight measures
# (1.1 Planfin complete, 1.2 revenue ≥ expense against plan, 2.1 trial balance, 2.2 GFMIS cash account, 2.3
# e-payment, 3.1 plan vs actual within 5 %, 3.2 7 Plus ≥ 5, 3.3 cost within the peers' median), under the
# reference's KPI codes; then its rows "ภาพรวมจังหวัด" (hospitals passing), "คิดเป็นร้อยละ", "เกณฑ์การประเมิน" and
# "ผลการประเมิน".
CRITERIA = pd.DataFrame({
    "K27": [1] * 10, "K28": [1, 1, 0, 1, 1, 1, 1, 1, 1, 1], "K32": [1] * 10, "K33": [1] * 10, "K34": [1] * 10,
    "K29": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0], "K30": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0], "K31": [1, 1, 1, 0, 1, 1, 1, 0, 0, 1],
})
CRITERIA_PROVINCE = {"K27": (10, 100, 100, True), "K28": (9, 90, 90, True), "K32": (10, 100, 80, True),
                     "K33": (10, 100, 60, True), "K34": (10, 100, 60, True), "K29": (1, 10, 70, False),
                     "K30": (2, 20, 60, False), "K31": (7, 70, 80, False)}  # passing, %, criterion %, passes
PUB_REVENUE_TO_EXPENSE_Q1 = CRITERIA["K28"].tolist()
PUB_PLANFIN_Q1 = CRITERIA["K29"].tolist()
# "ความครบถ้วน ถูกต้อง สมบูรณ์ ของแผนทางการเงิน (Planfin) ปีงบประมาณ 2562": แผน 1–7 ✓ for all ten (100 %).
PLANFIN_SHEETS = [7] * 10

# "รายรับงบ IP ตามผลงานการให้บริการ ปี 2562 (ผลงาน 3 เดือน) ณ 31 มกราคม 2562": estimate after wage deduction,
# received for October, November, December services, published total and %.
IP = pd.DataFrame([
    (173_183_446.45, 16_029_843.10, 23_891_522.90, 16_386_543.43, 56_307_909.43, 32.51),
    (21_011_322.55, 2_513_968.18, 2_074_711.07, 1_737_442.84, 6_326_122.09, 30.11),
    (11_349_189.10, 1_861_636.33, 1_630_594.02, 1_216_498.86, 4_708_729.21, 41.49),
    (13_144_312.96, 905_697.63, 870_158.40, 938_314.37, 2_714_170.40, 20.65),
    (10_643_368.62, 1_534_058.08, 907_504.60, 282_040.57, 2_723_603.25, 25.59),
    (20_203_351.29, 2_501_438.85, 2_571_864.11, 2_045_548.66, 7_118_851.62, 35.24),
    (9_298_839.58, 1_025_758.61, 1_238_997.55, 438_822.02, 2_703_578.18, 29.07),
    (7_959_765.17, 1_049_041.57, 951_157.11, 417_197.93, 2_417_396.61, 30.37),
    (11_296_021.10, 1_124_087.13, 1_014_868.45, 341_721.48, 2_480_677.06, 21.96),
    (10_135_826.71, 951_814.68, 908_009.10, 828_233.08, 2_688_056.86, 26.52),
], columns=["ip_revenue_plan", "oct", "nov", "dec", "pub_received", "pub_pct"])
# Its "ภาพรวมจังหวัด" row: 288,225,443.53 estimated, 90,189,094.71 received, 31.29 %.
# "เปรียบเทียบประมาณการรายรับก่อนหักเงินเดือนและการปรับลดค่าแรงของงบเหมาจ่ายรายหัว UC ปีงบประมาณ 2562":
# the IP estimate before and the IP wage deduction, whose difference is the estimate above.
IP_WAGES = pd.DataFrame([
    (358_806_244.48, 185_622_798.03), (36_131_590.74, 15_120_268.19), (24_410_823.21, 13_061_634.11),
    (22_297_496.83, 9_153_183.87), (18_205_325.83, 7_561_957.21), (37_533_385.33, 17_330_034.04),
    (15_082_103.78, 5_783_264.20), (18_701_565.66, 10_741_800.49), (17_724_241.70, 6_428_220.60),
    (12_653_883.92, 2_518_057.21),
], columns=["ip_estimate", "ip_wage_deduction"])

# "สัดส่วนของต้นทุนบริการ (เฉพาะรายการใช้ไป) ต่อ รายได้ค่ารักษาพยาบาล ณ สิ้นไตรมาส 4/2561": (1) medical revenue,
# (2) the cost of items used up, published (2) ÷ (1), Mean+1SD, and the verdict.
COST_RATIO = pd.DataFrame([
    (1_553_520_906.41, 531_406_418.45, 0.34, 0.40, True), (129_172_142.81, 38_302_860.84, 0.30, 0.34, True),
    (95_652_481.07, 28_075_349.87, 0.29, 0.32, True), (67_543_953.40, 24_516_048.55, 0.36, 0.33, False),
    (58_460_190.12, 16_500_705.43, 0.28, 0.33, True), (156_183_256.30, 47_470_402.55, 0.30, 0.34, True),
    (54_035_457.60, 17_807_132.79, 0.33, 0.33, True), (67_793_619.43, 26_580_767.47, 0.39, 0.33, False),
    (47_208_742.80, 15_342_859.24, 0.33, 0.32, False), (24_703_945.79, 8_027_144.83, 0.32, 0.41, True),
], columns=["medical_revenue", "drug_cost", "pub_ratio", "cost_ratio_limit", "pub_pass"])

# "ต้นทุนบริการ Unit Cost แบบ Quick Method ณ สิ้นไตรมาส 4/2561": OPD cost, visits, published cost per visit and
# Mean+1SD; IPD cost, sum of AdjRW, published cost per AdjRW and Mean+1SD; every hospital "ผ่าน".
UNIT_COST = pd.DataFrame([
    (526_612_117.76, 636_322, 827.59, 1_227.25, 996_506_930.57, 63_334.13, 15_734.12, 17_673.44),
    (113_812_323.17, 190_028, 598.92, 782.14, 63_276_646.40, 6_223.62, 10_167.18, 18_607.43),
    (92_989_805.41, 149_372, 622.54, 753.14, 53_832_331.48, 3_600.51, 14_951.31, 18_656.45),
    (90_245_526.76, 136_460, 661.33, 776.18, 25_901_616.71, 2_869.98, 9_025.02, 19_052.00),
    (67_611_746.82, 102_502, 659.61, 776.18, 28_341_933.03, 1_654.75, 17_127.62, 19_052.00),
    (159_160_352.40, 221_567, 718.34, 813.74, 79_362_705.80, 5_802.59, 13_677.12, 19_155.63),
    (65_513_264.38, 91_991, 712.17, 776.18, 25_535_259.85, 1_739.77, 14_677.38, 19_052.00),
    (73_939_236.59, 123_442, 598.98, 776.18, 48_895_181.17, 3_167.56, 15_436.23, 19_052.00),
    (57_686_301.43, 77_905, 740.47, 847.64, 29_893_253.24, 1_789.56, 16_704.25, 21_822.46),
    (26_457_484.11, 49_454, 534.99, 1_104.73, 23_933_183.40, 1_534.83, 15_593.38, 28_785.36),
], columns=["opd_cost", "opd_visits", "pub_opd", "opd_limit", "ipd_cost", "adjrw", "pub_ipd", "ipd_limit"])


def trang(table: pd.DataFrame, month: int) -> pd.DataFrame:
    return pd.concat([HOSPITALS, table], axis=1).assign(month=month)


# -- Risk Score ---------------------------------------------------------------------------------------
def test_risk_scores_of_the_ten_trang_hospitals():
    scored = risk_score(trang(RISK, DEC), thresholds_for(2562))
    assert scored["liquidity"].tolist() == RISK["pub_liquidity"].tolist()
    assert scored["status"].tolist() == RISK["pub_status"].tolist()
    assert scored["survival"].tolist() == RISK["pub_survival"].tolist()
    assert scored["risk_score"].tolist() == RISK["pub_risk"].tolist() == RISK_SUMMARY
    yan_ta_khao = scored.iloc[2]  # CR 1.12 < 1.5 and Cash 0.78 < 0.8; QR 1.01 is not below 1.0
    assert (yan_ta_khao["cr_point"], yan_ta_khao["qr_point"], yan_ta_khao["cash_point"]) == (1, 0, 1)


def test_province_totals_of_the_risk_table():
    # its "ภาพรวมจังหวัด" row: NWC 616,080,341.84 and NI 205,209,812.14
    assert RISK["nwc"].sum() == pytest.approx(616_080_341.84, abs=0.005)
    assert totals(trang(RISK, DEC))["net_income"].iloc[0] == pytest.approx(205_209_812.14, abs=0.005)


def test_net_income_is_revenue_less_expense_but_for_na_yong():
    """The Risk table's NI equals the Planfin tables' actual revenue − expense for Q1 to the satang for nine
    hospitals. รพ.นาโยง's differs by 1,200.00 baht in the seed itself (10,837,264.03 against
    43,047,920.76 − 32,209,456.73 = 10,838,464.03): the two tables were made from different downloads."""
    derived = (PLANFIN_Q1["revenue"] - PLANFIN_Q1["expense"]).round(2)
    gap = (derived - RISK["net_income"]).round(2)
    assert gap.tolist() == [0, 0, 0, 0, 0, 0, 0, 1_200.00, 0, 0]


@pytest.mark.parametrize(("nwc", "ni", "months", "expected"), [
    (100.0, 50.0, 3, 0),  # both ≥ 0
    (-100.0, -50.0, 3, 2),  # both < 0
    (100.0, -300.0, 3, 2),  # s = 100 ÷ (300 ÷ 3) = 1 month < 3
    (300.0, -300.0, 3, 1),  # s = 3: 3 ≤ s < 6
    (599.0, -300.0, 3, 1),  # s = 5.99
    (600.0, -300.0, 3, 0),  # s = 6
    (-100.0, 300.0, 3, 0),  # r = 100 ÷ (300 ÷ 3) = 1 month < 3
    (-300.0, 300.0, 3, 1),  # r = 3
    (-600.0, 300.0, 3, 2),  # r = 6
    (-1.0, 0.0, 3, 2),  # NI = 0: the gap never closes
    (0.0, -1.0, 3, 2),  # NWC = 0 counts as ≥ 0: s = 0
])
def test_survival_follows_the_domain_rule(nwc, ni, months, expected):
    row = pd.DataFrame({"current_ratio": [2.0], "quick_ratio": [2.0], "cash_ratio": [2.0], "nwc": [nwc],
                        "net_income": [ni], "months": [months]})
    scored = risk_score(row)
    assert scored["survival"].iloc[0] == expected
    assert scored["status"].iloc[0] == (nwc < 0) + (ni < 0)


def test_ratios_are_rounded_half_up_to_two_decimals_before_comparing():
    rows = pd.DataFrame({"current_ratio": [1.495, 1.4949, 1.5], "quick_ratio": [0.995, 0.9949, 1.0],
                         "cash_ratio": [0.795, 0.7949, 0.8], "nwc": [1.0] * 3, "net_income": [1.0] * 3,
                         "months": [3] * 3})
    scored = risk_score(rows)
    assert scored["liquidity"].tolist() == [0, 3, 0]
    assert round_half_up(pd.Series([1.005, -1.005, 2.675, np.nan, np.inf])).tolist()[:3] == [1.01, -1.01, 2.68]


def test_a_missing_input_gives_no_score_rather_than_zero():
    row = pd.DataFrame({"current_ratio": [np.nan], "quick_ratio": [2.0], "cash_ratio": [2.0], "nwc": [1.0],
                        "net_income": [1.0], "months": [3]})
    scored = risk_score(row)
    assert pd.isna(scored["cr_point"].iloc[0]) and pd.isna(scored["risk_score"].iloc[0])
    assert scored["status"].iloc[0] == 0


def test_thresholds_are_configurable_per_fiscal_year():
    stricter = thresholds_for(2562, current_ratio=2.0)
    assert stricter.current_ratio == 2.0 and thresholds_for(2562).current_ratio == 1.5
    scored = risk_score(trang(RISK, DEC), stricter)
    assert scored["cr_point"].tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 0]
    assert thresholds_for(2599) == DEFAULT


# -- 7 Plus -------------------------------------------------------------------------------------------
def seven(medians=None):
    frame = pd.concat([HOSPITALS, SEVEN_PLUS, RISK[["cash_ratio"]]], axis=1).assign(month=DEC)
    return seven_plus(frame, thresholds_for(2562), medians)


def test_seven_plus_pass_counts_of_the_indicators_with_fixed_limits():
    """Payment ≤ 90 days (≤ 180 when Cash < 0.8), UC, CSMBS, SSS ≤ 60, inventory ≤ 60: these five need no
    median, and their counts follow from the printed indicators alone."""
    scored = seven()
    assert scored["payment_pass"].tolist() == [True, True] + [False] * 8
    assert scored["payment_limit"].tolist() == [90, 90, 180, 90, 90, 90, 90, 90, 90, 90]  # ย่านตาขาว: Cash 0.78
    assert scored["uc_pass"].tolist() == [False, False] + [True] * 8
    assert scored["csmbs_pass"].tolist() == [True, False, False, True, False, True, False, False, False, True]
    assert not scored["sss_pass"].any()
    assert scored["inventory_pass"].tolist() == [True, True, True, False, False, True, False, False, False, False]
    assert scored["passed_without_median"].tolist() == [3, 2, 2, 2, 1, 3, 1, 1, 1, 2]
    # the published totals leave 0–2 for operating margin and ROA, as they must
    assert (SEVEN_PLUS["pub_passed"] - scored["passed_without_median"]).between(0, 2).all()


def test_published_grades_follow_from_published_counts():
    assert grade(SEVEN_PLUS["pub_passed"]).tolist() == SEVEN_PLUS["pub_grade"].tolist()
    assert grade(pd.Series(range(8))).tolist() == ["F", "D", "C-", "C", "B-", "B", "A-", "A"]


def test_the_trang_hospitals_own_peer_medians_do_not_give_the_published_counts():
    """Seed 003 compares operating margin and ROA with MOPH's national peer-group medians, which it does not
    print. Against the medians of the Trang hospitals themselves (F2 median OM 26.06, ROA 10.305), five of
    the ten counts differ: รพ.ย่านตาขาว 2 (published 3), ปะเหลียน 3 (4), สิเกา 1 (3), วังวิเศษ 1 (3),
    หาดสำราญ 3 (4). This is what the rule gives on these data; the published counts need the national medians."""
    scored = seven()
    assert scored["om_median"].iloc[3] == pytest.approx(26.06) and scored["roa_median"].iloc[3] == pytest.approx(10.305)
    assert scored["passed"].tolist() == [5, 4, 2, 3, 1, 5, 1, 3, 3, 3]
    assert (scored["passed"] == SEVEN_PLUS["pub_passed"]).tolist() == [True, True, False, False, False, True, False,
                                                                       True, True, False]


# Not the seed's medians (it prints none): a set of medians the published counts allow (every F2 and A/M2 hospital
# at or above both; รพ.ย่านตาขาว above one only).
ALLOWED_MEDIANS = pd.DataFrame({"operating_margin": [0.0, 0.0, 5.0, 0.0], "roa": [0.0, 0.0, 2.0, 0.0]},
                               index=pd.Index(["A", "M2", "F1", "F2"], name="service_level"))


def test_published_medians_are_used_when_given():
    """The override path reproduces the published counts and grades once national medians are supplied."""
    scored = seven(ALLOWED_MEDIANS)
    assert scored["passed"].tolist() == SEVEN_PLUS["pub_passed"].tolist()
    assert scored["grade"].tolist() == SEVEN_PLUS["pub_grade"].tolist()


def test_risk_by_seven_plus_matrix_matches_the_seed():
    frame = HOSPITALS.assign(risk_score=RISK["pub_risk"], grade=SEVEN_PLUS["pub_grade"])
    matrix = risk_matrix(frame)
    assert list(matrix.index) == ["A", "A-", "B", "B-", "C", "C-", "D", "F"] and list(matrix.columns) == list(range(8))
    cells = {(s, g): set(matrix.at[g, s].split(", ")) for g in matrix.index for s in matrix.columns if matrix.at[g, s]}
    assert cells == MATRIX


# -- Planfin ------------------------------------------------------------------------------------------
def test_planfin_variance_fiscal_year_2561():
    out = planfin_variance(trang(PLANFIN_2561, SEP))
    assert (out["quarter"] == 4).all() and (out["revenue_plan_to_date"] == PLANFIN_2561["planfin_revenue"]).all()
    assert out.loc[0, "revenue_variance_pct"] == 7.35  # รพ.ตรัง
    assert out["revenue_variance_pct"].tolist() == PLANFIN_2561["pub_revenue_pct"].tolist()
    assert out["expense_variance_pct"].tolist() == PLANFIN_2561["pub_expense_pct"].tolist()
    assert np.allclose(out["revenue_variance"], PLANFIN_2561["pub_revenue_variance"], atol=0.005)
    assert np.allclose(out["expense_variance"], PLANFIN_2561["pub_expense_variance"], atol=0.005)
    assert out["revenue_pass"].tolist() == [False, True, True, False, True, False, True, True, False, False]
    province = planfin_variance(totals(trang(PLANFIN_2561, SEP)))
    assert (province["revenue_variance_pct"].iloc[0], province["expense_variance_pct"].iloc[0]) == (4.99, 3.16)


def test_planfin_variance_against_the_quarter_prorated_plan_at_q1_2562():
    table = PLANFIN_Q1.assign(planfin_sheets=PLANFIN_SHEETS)
    out = planfin_variance(trang(table, DEC))
    assert (out["quarter"] == 1).all()
    assert np.allclose(out["revenue_plan_to_date"].round(2), PLANFIN_Q1["pub_revenue_plan"], atol=0.005)
    assert np.allclose(out["expense_plan_to_date"].round(2), PLANFIN_Q1["pub_expense_plan"], atol=0.005)
    # the seed prorates without rounding: นาโยง's 138,760,360.98 ÷ 4 = 34,690,090.245 gives 8,357,830.52 (not .51)
    assert np.allclose(out["revenue_variance"], PLANFIN_Q1["pub_revenue_variance"], atol=0.0051)
    assert np.allclose(out["expense_variance"], PLANFIN_Q1["pub_expense_variance"], atol=0.0051)
    assert out["revenue_variance_pct"].tolist() == PLANFIN_Q1["pub_revenue_pct"].tolist()
    assert out["expense_variance_pct"].tolist() == PLANFIN_Q1["pub_expense_pct"].tolist()
    assert out["planfin_pass"].astype(int).tolist() == PUB_PLANFIN_Q1  # only รพ.ย่านตาขาว within ±5 % on both
    assert out["revenue_to_expense_pass"].astype(int).tolist() == PUB_REVENUE_TO_EXPENSE_Q1
    assert out["planfin_complete"].all()
    province = planfin_variance(totals(trang(table, DEC)))
    assert (province["revenue_variance_pct"].iloc[0], province["expense_variance_pct"].iloc[0]) == (25.64, 1.84)


def half_up(x: float) -> float:
    """x rounded half up to 2 decimals, by decimal arithmetic (the test's own rounding, not finance.health's)."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_revenue_against_expense_each_against_its_plan():
    """Seed 003's "มีรายได้ ≥ ค่าใช้จ่าย เมื่อเทียบกับแผนทางการเงิน" at Q1 2562: 9 of 10. รพ.ย่านตาขาว fails with revenue
    above expense: revenue reached 98.15 % of its plan, expense 102.13 % of its own."""
    out = planfin_variance(trang(PLANFIN_Q1, DEC))
    mine = [half_up((r / (pr / 4)) / (e / (pe / 4))) for r, pr, e, pe in zip(
        PLANFIN_Q1["revenue"], PLANFIN_Q1["planfin_revenue"], PLANFIN_Q1["expense"], PLANFIN_Q1["planfin_expense"],
        strict=True)]
    assert out["revenue_to_expense"].tolist() == mine
    assert out.loc[2, "revenue_to_expense"] == 0.96 and PLANFIN_Q1.loc[2, "revenue"] > PLANFIN_Q1.loc[2, "expense"]
    assert [int(x >= 1) for x in mine] == PUB_REVENUE_TO_EXPENSE_Q1
    # plain revenue ≥ expense passes all ten: not the seed's criterion
    assert (PLANFIN_Q1["revenue"] >= PLANFIN_Q1["expense"]).all()


def test_risk_table_money_and_its_province_row():
    """The Risk table's "ภาพรวมจังหวัด" row sums NI, the money left and EBITDA as totals() does (NWC, a computed
    figure, is summed by the report from the hospitals' rows)."""
    total = totals(trang(pd.concat([RISK, RISK_MONEY], axis=1), DEC)).iloc[0]
    sums = (RISK["nwc"].sum(), total["net_income"], total["maintenance_fund"], total["ebitda"])
    assert sums == pytest.approx(RISK_TOTALS, abs=0.005)


def test_cost_to_medical_revenue():
    limits = COST_RATIO.assign(unit_code=HOSPITALS["unit_code"]).set_index("unit_code")[["cost_ratio_limit"]]
    out = cost_to_revenue(trang(COST_RATIO.drop(columns=["cost_ratio_limit"]), SEP), limits=limits)
    mine = [half_up(c / m) for c, m in zip(COST_RATIO["drug_cost"], COST_RATIO["medical_revenue"], strict=True)]
    assert out["cost_ratio"].tolist() == mine == COST_RATIO["pub_ratio"].tolist()
    assert out["cost_ratio_pass"].tolist() == COST_RATIO["pub_pass"].tolist()  # ปะเหลียน, นาโยง, รัษฎา fail
    peers = cost_to_revenue(trang(COST_RATIO.drop(columns=["cost_ratio_limit"]), SEP))
    f2 = COST_RATIO.loc[HOSPITALS["service_level"] == "F2", "pub_ratio"]
    assert peers.loc[3, "cost_ratio_limit"] == half_up(f2.mean() + f2.std())
    assert pd.isna(peers.loc[0, "cost_ratio_limit"])  # รพ.ตรัง alone at level A


def test_risk_groups_of_the_seed():
    frame = trang(RISK.assign(risk_score=RISK["pub_risk"]), DEC)
    groups = risk_group(frame)
    assert {g: set(HOSPITALS.loc[groups == g.value, "name"]) for g in RiskGroup} == RISK_GROUPS


def seed_q1() -> pd.DataFrame:
    """Seed 003's ten hospitals at Q1 2562 with every figure the criteria need: Risk Score, Planfin, 7 Plus
    against :data:`ALLOWED_MEDIANS` and cost ÷ revenue against the published limits."""
    frame = pd.concat([HOSPITALS, RISK, SEVEN_PLUS.drop(columns=["pub_passed", "pub_grade"]),
                       PLANFIN_Q1.assign(planfin_sheets=PLANFIN_SHEETS), COST_RATIO], axis=1).assign(month=DEC)
    frame = seven_plus(risk_score(frame), medians=ALLOWED_MEDIANS)
    limits = frame.set_index("unit_code")[["cost_ratio_limit"]]
    return cost_to_revenue(planfin_variance(frame.drop(columns=["cost_ratio_limit"])), limits=limits)


# The measures of the seed's table each criterion computes (the reference's kpis.computed names the same pairs).
SEED_COLUMN = {HospitalCriterion.PLANFIN_COMPLETE: "K27", HospitalCriterion.REVENUE_TO_EXPENSE: "K28",
               HospitalCriterion.PLANFIN_VARIANCE: "K29", HospitalCriterion.SEVEN_PLUS: "K30",
               HospitalCriterion.COST_RATIO: "K31"}


def test_the_computed_criteria_give_the_seeds_columns():
    """The five of seed 003's eight measures the store computes, per hospital."""
    found = criteria(seed_q1())
    for criterion in HospitalCriterion:
        mine = found[found["criterion"] == criterion.value].set_index("unit_code")
        if criterion == HospitalCriterion.CRISIS:  # seed 003's KPI 5: no hospital at level 7
            assert not mine["result"].any() and mine["passes"].all()
            continue
        expected = CRITERIA[SEED_COLUMN[criterion]].tolist()
        assert mine.loc[HOSPITALS["unit_code"], "passes"].astype(int).tolist() == expected, criterion
    seven = found[found["criterion"] == HospitalCriterion.SEVEN_PLUS.value]
    assert seven["result"].tolist() == SEVEN_PLUS["pub_passed"].tolist()


# -- IP revenue ---------------------------------------------------------------------------------------
def test_ip_revenue_share_against_the_elapsed_share_of_the_year():
    received = IP[["oct", "nov", "dec"]].sum(axis=1).round(2)
    assert received.tolist() == IP["pub_received"].tolist()
    out = ip_revenue_share(trang(IP.assign(ip_revenue_received=received), DEC))
    assert out.loc[0, "ip_share_pct"] == 32.51  # รพ.ตรัง
    assert out["ip_share_pct"].tolist() == IP["pub_pct"].tolist()
    assert (out["ip_expected_pct"] == 25.0).all()
    assert out["ip_pass"].tolist() == [True, True, True, False, True, True, True, True, False, True]
    province = ip_revenue_share(totals(trang(IP.assign(ip_revenue_received=received), DEC)))
    assert province["ip_share_pct"].iloc[0] == 31.29


def test_the_ip_estimate_is_the_ip_estimate_less_its_wage_deduction():
    net = (IP_WAGES["ip_estimate"] - IP_WAGES["ip_wage_deduction"]).round(2)
    assert net.tolist() == IP["ip_revenue_plan"].tolist()


# -- unit cost ----------------------------------------------------------------------------------------
def test_unit_cost_per_opd_visit_and_per_adjrw():
    limits = UNIT_COST.assign(unit_code=HOSPITALS["unit_code"]).set_index("unit_code")[["opd_limit", "ipd_limit"]]
    out = unit_cost(trang(UNIT_COST.drop(columns=["opd_limit", "ipd_limit"]), SEP), limits=limits)
    assert out.loc[0, "opd_cost_per_visit"] == 827.59  # รพ.ตรัง
    assert out["opd_cost_per_visit"].tolist() == UNIT_COST["pub_opd"].tolist()
    assert out["ipd_cost_per_adjrw"].tolist() == UNIT_COST["pub_ipd"].tolist()
    assert out["unit_cost_pass"].all()  # every hospital "ผ่าน" against the published Mean+1SD


def test_unit_cost_limits_from_the_peer_group_in_the_frame():
    """Without published limits the limit is the peer group's Mean + 1 SD (sample SD). The seed's limits are
    national and finer than service level (F1 กันตัง 782.14 but ย่านตาขาว 753.14), so these differ from
    them: F2 here is mean 651.26 + SD 74.96 = 726.21 of the six Trang F2 hospitals' cost per visit
    (published 776.18)."""
    out = unit_cost(trang(UNIT_COST.drop(columns=["opd_limit", "ipd_limit"]), SEP))
    f2 = UNIT_COST.loc[HOSPITALS["service_level"] == "F2", "pub_opd"]
    assert out.loc[3, "opd_limit"] == round(f2.mean() + f2.std(), 2)
    # รพ.ตรัง is alone at level A: no peers, so no limit and no verdict (against itself it would always pass)
    assert pd.isna(out.loc[0, "opd_limit"]) and pd.isna(out.loc[0, "opd_pass"])
    assert out.loc[0, "opd_cost_per_visit"] == 827.59
    assert out.loc[3, "opd_limit"] == 726.21
    assert out.loc[3, "opd_pass"] and not out.loc[8, "opd_pass"]  # รัษฎา 740.47 > 726.21


# -- from the template's raw items ----------------------------------------------------------------------
def test_finance_reads_only_columns_of_the_template():
    keys = set(TEMPLATES["hospital_finance"].sheet("hospital_finance").keys)
    assert set(RATIO_INPUTS) | set(ADDITIVE) | set(UNIT_COST_INPUTS) | {"planfin_sheets", "unit_code"} <= keys


def test_days_and_months_elapsed():
    months = pd.Series([10, 12, 3, 9])
    assert month_position(months).tolist() == [1, 3, 6, 12]
    assert days_elapsed(2562, months).tolist() == [31, 92, 182, 365]
    assert days_elapsed(2563, pd.Series([3])).tolist() == [183]  # February 2020 has 29 days


def raw_row(**changes) -> dict:
    row = {"unit_code": "11407", "month": 12, "current_assets": 300.0, "current_liabilities": 100.0, "cash": 150.0,
           "inventory": 20.0, "total_assets": 1000.0, "revenue": 400.0, "expense": 380.0, "net_income": 20.0,
           "ebitda": 40.0, "uc_receivable": 30.0, "uc_revenue": 184.0, "csmbs_receivable": 10.0, "csmbs_revenue": 46.0,
           "sss_receivable": 5.0, "sss_revenue": 9.2, "drug_payables": 46.0, "drug_purchases": 92.0, "drug_cost": 46.0,
           "medical_revenue": 276.0}
    return {**row, **changes}


def test_ratios_from_raw_items():
    out = ratios(pd.DataFrame([raw_row()]), 2562).iloc[0]
    assert (out["months"], out["days"]) == (3, 92)
    assert (out["current_ratio"], out["quick_ratio"], out["cash_ratio"], out["nwc"]) == (3.0, 2.8, 1.5, 200.0)
    assert (out["operating_margin"], out["roa"]) == (10.0, 2.0)
    assert out["payment_period"] == 46.0  # 46 × 92 ÷ 92
    assert (out["uc_collection_period"], out["csmbs_collection_period"], out["sss_collection_period"]) == \
        pytest.approx((15.0, 20.0, 50.0))
    assert out["inventory_period"] == pytest.approx(40.0)
    zero = ratios(pd.DataFrame([raw_row(current_liabilities=0.0, drug_purchases=0.0, drug_payables=0.0)]), 2562)
    assert zero["current_ratio"].iloc[0] == np.inf and np.isnan(zero["payment_period"].iloc[0])


def test_hospital_health_puts_the_section_together():
    units = pd.DataFrame({"unit_code": ["11407", "11408"], "name_th": ["รพ.กันตัง", "รพ.ย่านตาขาว"],
                          "service_level": ["F1", "F1"], "beds": [60, 60]})
    plan = {"planfin_revenue": 1600.0, "planfin_expense": 1500.0, "planfin_sheets": 7, "ip_revenue_plan": 400.0}
    rows = pd.DataFrame([
        raw_row(month=11, **plan, ip_revenue_received=50.0),
        raw_row(month=12, **plan, ip_revenue_received=110.0, opd_cost=6000.0, opd_visits=10, ipd_cost=900.0,
                adjrw=0.1),
        raw_row(unit_code="11408", month=12, cash=50.0, current_assets=90.0, net_income=-30.0, **plan,
                ip_revenue_received=90.0),
        raw_row(unit_code="11408", month=1, **plan, ip_revenue_received=150.0),
    ])
    rows[list(UNIT_COST_INPUTS)] = rows[list(UNIT_COST_INPUTS)].astype("float64")
    out = hospital_health(rows, units, fiscal_year=2562, month=12).set_index("unit_code")
    assert list(out.index) == ["11407", "11408"] and out.loc["11408", "name"] == "รพ.ย่านตาขาว"
    # 11408: CR 0.9, QR 0.7, Cash 0.5 (3) + NWC < 0, NI < 0 (2) + both negative (2)
    assert out.loc["11408", "risk_score"] == 7 and out.loc["11407", "risk_score"] == 0
    assert (out.loc["11407", "ip_share_pct"], out.loc["11407", "ip_pass"]) == (27.5, True)
    assert out.loc["11407", "opd_cost_per_visit"] == 600.0 and out.loc["11407", "unit_cost_month"] == 12
    assert pd.isna(out.loc["11408", "opd_cost_per_visit"])  # no unit cost yet
    assert out.loc["11407", "revenue_variance_pct"] == 0.0  # 400 against 1,600 ÷ 4
    latest = hospital_health(rows, units, fiscal_year=2562).set_index("unit_code")
    assert latest.loc["11408", "month"] == 1 and latest.loc["11407", "month"] == 12


def test_default_thresholds_are_the_domain_ones():
    t = DEFAULT
    assert (t.current_ratio, t.quick_ratio, t.cash_ratio, t.decimals) == (1.5, 1.0, 0.8, 2)
    assert (t.payment_days, t.payment_days_low_cash, t.inventory_days) == (90, 180, 60)
    assert (t.uc_collection_days, t.csmbs_collection_days, t.sss_collection_days) == (60, 60, 60)
    assert t.survival_months == (3.0, 6.0) and t.planfin_tolerance_pct == 5.0 and t.unit_cost_sd == 1.0
    assert replace(t, peer="beds").peer == "beds"
