# 300+ constants (LOAD_CONST needs EXTENDED_ARG past index 255) and jumps
# over more than 255 code units (FOR_ITER, POP_JUMP_FORWARD_IF_FALSE, JUMP_BACKWARD need EXTENDED_ARG).
total = 0
tags = []
for rnd in range(3):
    if rnd != 1:
        total += 1000
        total += 1007
        total += 1014
        total += 1021
        total += 1028
        total += 1035
        total += 1042
        total += 1049
        total += 1056
        total += 1063
        total += 1070
        total += 1077
        total += 1084
        total += 1091
        total += 1098
        total += 1105
        total += 1112
        total += 1119
        total += 1126
        total += 1133
        total += 1140
        total += 1147
        total += 1154
        total += 1161
        total += 1168
        total += 1175
        total += 1182
        total += 1189
        total += 1196
        total += 1203
        total += 1210
        total += 1217
        total += 1224
        total += 1231
        total += 1238
        total += 1245
        total += 1252
        total += 1259
        total += 1266
        total += 1273
        total += 1280
        total += 1287
        total += 1294
        total += 1301
        total += 1308
        total += 1315
        total += 1322
        total += 1329
        total += 1336
        total += 1343
        total += 1350
        total += 1357
        total += 1364
        total += 1371
        total += 1378
        total += 1385
        total += 1392
        total += 1399
        total += 1406
        total += 1413
        total += 1420
        total += 1427
        total += 1434
        total += 1441
        total += 1448
        total += 1455
        total += 1462
        total += 1469
        total += 1476
        total += 1483
        total += 1490
        total += 1497
        total += 1504
        total += 1511
        total += 1518
        total += 1525
        total += 1532
        total += 1539
        total += 1546
        total += 1553
        total += 1560
        total += 1567
        total += 1574
        total += 1581
        total += 1588
        total += 1595
        total += 1602
        total += 1609
        total += 1616
        total += 1623
        total += 1630
        total += 1637
        total += 1644
        total += 1651
        total += 1658
        total += 1665
        total += 1672
        total += 1679
        total += 1686
        total += 1693
        total += 1700
        total += 1707
        total += 1714
        total += 1721
        total += 1728
        total += 1735
        total += 1742
        total += 1749
        total += 1756
        total += 1763
        total += 1770
        total += 1777
        total += 1784
        total += 1791
        total += 1798
        total += 1805
        total += 1812
        total += 1819
        total += 1826
        total += 1833
        total += 1840
        total += 1847
        total += 1854
        total += 1861
        total += 1868
        total += 1875
        total += 1882
        total += 1889
        total += 1896
        total += 1903
        total += 1910
        total += 1917
        total += 1924
        total += 1931
        total += 1938
        total += 1945
        total += 1952
        total += 1959
        total += 1966
        total += 1973
        total += 1980
        total += 1987
        total += 1994
        total += 2001
        total += 2008
        total += 2015
        total += 2022
        total += 2029
        total += 2036
        total += 2043
        tags.append('t000')
        tags.append('t001')
        tags.append('t002')
        tags.append('t003')
        tags.append('t004')
        tags.append('t005')
        tags.append('t006')
        tags.append('t007')
        tags.append('t008')
        tags.append('t009')
        tags.append('t010')
        tags.append('t011')
        tags.append('t012')
        tags.append('t013')
        tags.append('t014')
        tags.append('t015')
        tags.append('t016')
        tags.append('t017')
        tags.append('t018')
        tags.append('t019')
        tags.append('t020')
        tags.append('t021')
        tags.append('t022')
        tags.append('t023')
        tags.append('t024')
        tags.append('t025')
        tags.append('t026')
        tags.append('t027')
        tags.append('t028')
        tags.append('t029')
        tags.append('t030')
        tags.append('t031')
        tags.append('t032')
        tags.append('t033')
        tags.append('t034')
        tags.append('t035')
        tags.append('t036')
        tags.append('t037')
        tags.append('t038')
        tags.append('t039')
        tags.append('t040')
        tags.append('t041')
        tags.append('t042')
        tags.append('t043')
        tags.append('t044')
        tags.append('t045')
        tags.append('t046')
        tags.append('t047')
        tags.append('t048')
        tags.append('t049')
        tags.append('t050')
        tags.append('t051')
        tags.append('t052')
        tags.append('t053')
        tags.append('t054')
        tags.append('t055')
        tags.append('t056')
        tags.append('t057')
        tags.append('t058')
        tags.append('t059')
        tags.append('t060')
        tags.append('t061')
        tags.append('t062')
        tags.append('t063')
        tags.append('t064')
        tags.append('t065')
        tags.append('t066')
        tags.append('t067')
        tags.append('t068')
        tags.append('t069')
        tags.append('t070')
        tags.append('t071')
        tags.append('t072')
        tags.append('t073')
        tags.append('t074')
        tags.append('t075')
        tags.append('t076')
        tags.append('t077')
        tags.append('t078')
        tags.append('t079')
        tags.append('t080')
        tags.append('t081')
        tags.append('t082')
        tags.append('t083')
        tags.append('t084')
        tags.append('t085')
        tags.append('t086')
        tags.append('t087')
        tags.append('t088')
        tags.append('t089')
        tags.append('t090')
        tags.append('t091')
        tags.append('t092')
        tags.append('t093')
        tags.append('t094')
        tags.append('t095')
        tags.append('t096')
        tags.append('t097')
        tags.append('t098')
        tags.append('t099')
        tags.append('t100')
        tags.append('t101')
        tags.append('t102')
        tags.append('t103')
        tags.append('t104')
        tags.append('t105')
        tags.append('t106')
        tags.append('t107')
        tags.append('t108')
        tags.append('t109')
        tags.append('t110')
        tags.append('t111')
        tags.append('t112')
        tags.append('t113')
        tags.append('t114')
        tags.append('t115')
        tags.append('t116')
        tags.append('t117')
        tags.append('t118')
        tags.append('t119')
        tags.append('t120')
        tags.append('t121')
        tags.append('t122')
        tags.append('t123')
        tags.append('t124')
        tags.append('t125')
        tags.append('t126')
        tags.append('t127')
        tags.append('t128')
        tags.append('t129')
        tags.append('t130')
        tags.append('t131')
        tags.append('t132')
        tags.append('t133')
        tags.append('t134')
        tags.append('t135')
        tags.append('t136')
        tags.append('t137')
        tags.append('t138')
        tags.append('t139')
        tags.append('t140')
        tags.append('t141')
        tags.append('t142')
        tags.append('t143')
        tags.append('t144')
        tags.append('t145')
        tags.append('t146')
        tags.append('t147')
        tags.append('t148')
        tags.append('t149')
    total += 0.5
print(total, len(tags), tags[0], tags[149], tags[-1])
print(sorted(set(tags))[::50])
