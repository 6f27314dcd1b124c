# Line-table stress: gaps of more than 127 and 255 lines between statements, a loop
# body of 200 lines (the jump back to the loop head goes up by more than 128 lines
# in 3.11), an expression spread over several lines and columns past 127.
total = 0
n = 0
while n < 3:
    n += 1
    # filler 0
    # filler 1
    # filler 2
    # filler 3
    # filler 4
    # filler 5
    # filler 6
    # filler 7
    # filler 8
    # filler 9
    # filler 10
    # filler 11
    # filler 12
    # filler 13
    # filler 14
    # filler 15
    # filler 16
    # filler 17
    # filler 18
    # filler 19
    # filler 20
    # filler 21
    # filler 22
    # filler 23
    # filler 24
    # filler 25
    # filler 26
    # filler 27
    # filler 28
    # filler 29
    # filler 30
    # filler 31
    # filler 32
    # filler 33
    # filler 34
    # filler 35
    # filler 36
    # filler 37
    # filler 38
    # filler 39
    # filler 40
    # filler 41
    # filler 42
    # filler 43
    # filler 44
    # filler 45
    # filler 46
    # filler 47
    # filler 48
    # filler 49
    # filler 50
    # filler 51
    # filler 52
    # filler 53
    # filler 54
    # filler 55
    # filler 56
    # filler 57
    # filler 58
    # filler 59
    # filler 60
    # filler 61
    # filler 62
    # filler 63
    # filler 64
    # filler 65
    # filler 66
    # filler 67
    # filler 68
    # filler 69
    # filler 70
    # filler 71
    # filler 72
    # filler 73
    # filler 74
    # filler 75
    # filler 76
    # filler 77
    # filler 78
    # filler 79
    # filler 80
    # filler 81
    # filler 82
    # filler 83
    # filler 84
    # filler 85
    # filler 86
    # filler 87
    # filler 88
    # filler 89
    # filler 90
    # filler 91
    # filler 92
    # filler 93
    # filler 94
    # filler 95
    # filler 96
    # filler 97
    # filler 98
    # filler 99
    # filler 100
    # filler 101
    # filler 102
    # filler 103
    # filler 104
    # filler 105
    # filler 106
    # filler 107
    # filler 108
    # filler 109
    # filler 110
    # filler 111
    # filler 112
    # filler 113
    # filler 114
    # filler 115
    # filler 116
    # filler 117
    # filler 118
    # filler 119
    # filler 120
    # filler 121
    # filler 122
    # filler 123
    # filler 124
    # filler 125
    # filler 126
    # filler 127
    # filler 128
    # filler 129
    # filler 130
    # filler 131
    # filler 132
    # filler 133
    # filler 134
    # filler 135
    # filler 136
    # filler 137
    # filler 138
    # filler 139
    # filler 140
    # filler 141
    # filler 142
    # filler 143
    # filler 144
    # filler 145
    # filler 146
    # filler 147
    # filler 148
    # filler 149
    # filler 150
    # filler 151
    # filler 152
    # filler 153
    # filler 154
    # filler 155
    # filler 156
    # filler 157
    # filler 158
    # filler 159
    # filler 160
    # filler 161
    # filler 162
    # filler 163
    # filler 164
    # filler 165
    # filler 166
    # filler 167
    # filler 168
    # filler 169
    # filler 170
    # filler 171
    # filler 172
    # filler 173
    # filler 174
    # filler 175
    # filler 176
    # filler 177
    # filler 178
    # filler 179
    # filler 180
    # filler 181
    # filler 182
    # filler 183
    # filler 184
    # filler 185
    # filler 186
    # filler 187
    # filler 188
    # filler 189
    # filler 190
    # filler 191
    # filler 192
    # filler 193
    # filler 194
    # filler 195
    # filler 196
    # filler 197
    # filler 198
    # filler 199
    total += n












































































































































































































































































































numbers = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139]
value = (total +
         n *
         2)
label = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; flag = numbers[-1] > total
print(total, value, sum(numbers), len(label), flag)
