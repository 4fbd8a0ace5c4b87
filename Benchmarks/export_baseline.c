/* The plain C baseline for `renju-bench export`: the same sheet (a header row of 25 titles, then
 * rows of a code, a name and 23 numbers with the format #,##0.00) written with libxlsxwriter in
 * constant-memory mode.
 *   cc -O2 -o /tmp/export_baseline Benchmarks/export_baseline.c $(pkg-config --cflags --libs xlsxwriter)
 *   /tmp/export_baseline 1000000 /tmp/baseline.xlsx
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xlsxwriter.h>

int main(int argc, char **argv) {
    long cells = argc > 1 ? atol(argv[1]) : 1000000;
    const char *path = argc > 2 ? argv[2] : "/tmp/renju-baseline.xlsx";
    static const char *ids[] = {"households", "sanitary_toilet_hh", "sanitary_toilet_rate", "public_toilets_built",
        "sewage_treated_hh", "sewage_treatment_rate", "road_total_km", "road_hardened_km", "road_hardening_rate",
        "garbage_system_covered", "garbage_generated_t", "garbage_collected_t", "garbage_harmless_t",
        "garbage_collection_rate", "garbage_harmless_rate", "garbage_facilities_added", "cleaners",
        "dilapidated_houses_renovated", "illegal_buildings_found", "illegal_buildings_removed",
        "illegal_area_removed_m2", "green_area_added_10k_m2", "investment_10k_yuan"};
    int width = 25;
    long rows = (cells + width - 1) / width;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &options);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "数据");
    lxw_format *number = workbook_add_format(wb);
    format_set_num_format(number, "#,##0.00");
    format_set_font_size(number, 11);
    format_set_font_name(number, "宋体");
    worksheet_write_string(ws, 0, 0, "区划代码", NULL);
    worksheet_write_string(ws, 0, 1, "单位名称", NULL);
    for (int j = 0; j < 23; j++) worksheet_write_string(ws, 0, (lxw_col_t)(2 + j), ids[j], NULL);
    long written = width;
    char code[32], name[32];
    for (long r = 1; r <= (rows > 1 ? rows - 1 : 1); r++) {
        snprintf(code, sizeof code, "%lld", 640422100201LL + r);
        snprintf(name, sizeof name, "村%ld", r % 1000);
        worksheet_write_string(ws, (lxw_row_t)r, 0, code, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 1, name, NULL);
        written += 2;
        for (int c = 2; c < width && written < cells; c++) {
            worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, (double)((r * 31 + c * 17) % 100000) / 100, number);
            written++;
        }
    }
    lxw_error err = workbook_close(wb);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (err != LXW_NO_ERROR) { fprintf(stderr, "error: %s\n", lxw_strerror(err)); return 1; }
    printf("C baseline: %ld cells in %.2f s, %.0f cells/s\n", written, s, written / s);
    return 0;
}
