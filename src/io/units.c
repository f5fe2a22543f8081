/* units.c - temperature unit strings to a linear conversion into degrees Celsius.
 *
 * Files spell the same unit many ways ("K", "degK", "degrees_K", "Deg C", "°C", "℃",
 * "degree_Celsius"), so the string is first reduced to a key: lower case, with blanks and
 * underscores removed and the degree sign spelt "deg". The key is then looked up.
 */
#include "dsc/io.h"

#include <ctype.h>
#include <string.h>

typedef enum { KELVIN, CELSIUS, FAHRENHEIT } temp_unit;

static const struct {
    const char *key;
    temp_unit unit;
} unit_keys[] = {
    {"k", KELVIN},           {"kelvin", KELVIN},         {"kelvins", KELVIN},
    {"degk", KELVIN},        {"degreek", KELVIN},        {"degreesk", KELVIN},
    {"degreekelvin", KELVIN}, {"degreeskelvin", KELVIN},
    {"c", CELSIUS},          {"degc", CELSIUS},          {"degreec", CELSIUS},
    {"degreesc", CELSIUS},   {"celsius", CELSIUS},       {"degcelsius", CELSIUS},
    {"degreecelsius", CELSIUS}, {"degreescelsius", CELSIUS},
    {"f", FAHRENHEIT},       {"degf", FAHRENHEIT},       {"degreef", FAHRENHEIT},
    {"degreesf", FAHRENHEIT}, {"fahrenheit", FAHRENHEIT}, {"degfahrenheit", FAHRENHEIT},
    {"degreefahrenheit", FAHRENHEIT}, {"degreesfahrenheit", FAHRENHEIT},
};

/* Builds the lookup key of units into key; returns -1 when it does not fit. */
static int unit_key(const char *units, char *key, size_t size)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)units;
    while (*p) {
        const char *add = NULL;
        char one[2] = {0, 0};
        if (p[0] == 0xC2 && p[1] == 0xB0) { /* UTF-8 degree sign */
            add = "deg";
            p += 2;
        } else if (p[0] == 0xE2 && p[1] == 0x84 && (p[2] == 0x83 || p[2] == 0x89)) {
            add = p[2] == 0x83 ? "degc" : "degf"; /* the one-character ℃ and ℉ */
            p += 3;
        } else if (p[0] == 0xB0) { /* Latin-1 degree sign */
            add = "deg";
            p++;
        } else if (isspace(*p) || *p == '_') {
            p++;
            continue;
        } else {
            one[0] = (char)tolower(*p);
            add = one;
            p++;
        }
        size_t len = strlen(add);
        if (n + len + 1 > size)
            return -1;
        memcpy(key + n, add, len);
        n += len;
    }
    key[n] = '\0';
    return 0;
}

int dsc_units_to_celsius(dsc_ctx_t *ctx, const char *units, double *scale, double *offset)
{
    char key[64];
    if (units && unit_key(units, key, sizeof key) == 0) {
        for (size_t i = 0; i < sizeof unit_keys / sizeof unit_keys[0]; i++) {
            if (strcmp(key, unit_keys[i].key) != 0)
                continue;
            switch (unit_keys[i].unit) {
            case KELVIN:
                *scale = 1.0;
                *offset = -273.15;
                break;
            case CELSIUS:
                *scale = 1.0;
                *offset = 0.0;
                break;
            case FAHRENHEIT:
                *scale = 5.0 / 9.0;
                *offset = -32.0 * 5.0 / 9.0;
                break;
            }
            return DSC_OK;
        }
    }
    return dsc_error(ctx, DSC_ERR_UNITS,
                     "units '%s': not a temperature unit (expected K, degC or degF)",
                     units ? units : "");
}
