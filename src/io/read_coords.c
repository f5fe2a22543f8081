/* read_coords.c - what each dimension of a variable means: time, latitude, longitude, a
 * station (site) index, or an extra length-one axis such as height.
 *
 * CF gives several ways to say that a coordinate is a latitude (standard_name, units,
 * axis); files in the wild use any one of them, or only the name, so each is accepted. A
 * rotated-pole or projected grid is refused up front: its 1-D axes are not geographic and
 * reading them as latitudes would silently misplace every value.
 */
#include "read_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum {
    ROLE_NONE = 0,
    ROLE_TIME,
    ROLE_LAT,
    ROLE_LON,
    ROLE_ROTATED,
    ROLE_PROJECTED
} coord_role;

static int is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const lat_units[] = {"degrees_north", "degree_north", "degrees_N",
                                        "degree_N", "degreesN", "degreeN", NULL};
static const char *const lon_units[] = {"degrees_east", "degree_east", "degrees_E",
                                        "degree_E", "degreesE", "degreeE", NULL};
static const char *const lat_names[] = {"lat", "latitude", "nav_lat", NULL};
static const char *const lon_names[] = {"lon", "longitude", "nav_lon", NULL};

static coord_role role_of(int ncid, int varid)
{
    char name[NC_MAX_NAME + 1] = "", sn[128] = "", units[128] = "", axis[16] = "";
    nc_inq_varname(ncid, varid, name);
    io_att_text(ncid, varid, "standard_name", sn, sizeof sn);
    io_att_text(ncid, varid, "units", units, sizeof units);
    io_att_text(ncid, varid, "axis", axis, sizeof axis);

    if (strcmp(sn, "grid_latitude") == 0 || strcmp(sn, "grid_longitude") == 0)
        return ROLE_ROTATED;
    if (strncmp(sn, "projection_", 11) == 0)
        return ROLE_PROJECTED;
    if (strcmp(sn, "time") == 0 || strstr(units, " since ") || strcasecmp(axis, "T") == 0)
        return ROLE_TIME;
    if (strcmp(sn, "latitude") == 0 || is_one_of(units, lat_units))
        return ROLE_LAT;
    if (strcmp(sn, "longitude") == 0 || is_one_of(units, lon_units))
        return ROLE_LON;
    if (strcasecmp(axis, "Y") == 0 || strcasecmp(axis, "X") == 0) {
        /* An X/Y axis in metres is a projection; in plain "degrees" a rotated pole. */
        if (strcmp(units, "m") == 0 || strcmp(units, "km") == 0)
            return ROLE_PROJECTED;
        if (strcasecmp(units, "degrees") == 0 && tolower((unsigned char)name[0]) == 'r')
            return ROLE_ROTATED;
        return strcasecmp(axis, "Y") == 0 ? ROLE_LAT : ROLE_LON;
    }
    if (is_one_of(name, lat_names))
        return ROLE_LAT;
    if (is_one_of(name, lon_names))
        return ROLE_LON;
    if (strcasecmp(name, "time") == 0)
        return ROLE_TIME;
    return ROLE_NONE;
}

/* The coordinate variable of a dimension: the 1-D variable of the same name. */
static int coord_var_of_dim(int ncid, int dimid)
{
    char name[NC_MAX_NAME + 1];
    int varid, nd, did;
    if (nc_inq_dimname(ncid, dimid, name) != NC_NOERR ||
        nc_inq_varid(ncid, name, &varid) != NC_NOERR ||
        nc_inq_varndims(ncid, varid, &nd) != NC_NOERR || nd != 1 ||
        nc_inq_vardimid(ncid, varid, &did) != NC_NOERR || did != dimid)
        return -1;
    return varid;
}

/* Whether varid is a scalar (dimid < 0) or 1-D over dimid. */
static int has_shape(int ncid, int varid, int dimid)
{
    int nd, did;
    if (nc_inq_varndims(ncid, varid, &nd) != NC_NOERR)
        return 0;
    if (dimid < 0 ? nd != 0 : nd != 1)
        return 0;
    return nd == 0 || (nc_inq_vardimid(ncid, varid, &did) == NC_NOERR && did == dimid);
}

static int has_shape_and_role(int ncid, int varid, int dimid, coord_role role)
{
    return has_shape(ncid, varid, dimid) && role_of(ncid, varid) == role;
}

/* Finds a variable with role over dimid (or scalar when dimid < 0): first among the names in
 * the data variable's "coordinates" attribute, then among all variables. -1 when none. */
static int find_aux_coord(int ncid, int data_varid, int dimid, coord_role role)
{
    char coords[1024];
    if (io_att_text(ncid, data_varid, "coordinates", coords, sizeof coords) == 0) {
        char *save = NULL;
        for (char *tok = strtok_r(coords, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
            int varid;
            if (nc_inq_varid(ncid, tok, &varid) == NC_NOERR &&
                has_shape_and_role(ncid, varid, dimid, role))
                return varid;
        }
    }
    int nvars;
    if (nc_inq_nvars(ncid, &nvars) != NC_NOERR)
        return -1;
    for (int v = 0; v < nvars; v++)
        if (v != data_varid && has_shape_and_role(ncid, v, dimid, role))
            return v;
    return -1;
}

/* Refuses variables whose grid_mapping is anything but plain latitude/longitude. */
static int check_grid_mapping(dsc_ctx_t *ctx, const io_layout_t *lay)
{
    char gm[NC_MAX_NAME + 1], gmname[128] = "";
    int gmid;
    if (io_att_text(lay->ncid, lay->varid, "grid_mapping", gm, sizeof gm) != 0)
        return DSC_OK;
    /* The attribute may be "crs" or the extended form "crs: x y"; the first word names the
     * mapping variable. */
    gm[strcspn(gm, ": ")] = '\0';
    if (nc_inq_varid(lay->ncid, gm, &gmid) != NC_NOERR ||
        io_att_text(lay->ncid, gmid, "grid_mapping_name", gmname, sizeof gmname) != 0)
        return DSC_OK;
    if (strcmp(gmname, "latitude_longitude") == 0)
        return DSC_OK;
    if (strcmp(gmname, "rotated_latitude_longitude") == 0)
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "%s: %s is on a rotated-pole grid (grid_mapping %s); rotated-pole "
                         "grids are not supported, regrid to latitude/longitude first",
                         lay->path, lay->var, gm);
    return dsc_error(ctx, DSC_ERR_FORMAT,
                     "%s: %s is on a projected grid (grid_mapping_name %s); only "
                     "latitude/longitude grids are supported", lay->path, lay->var, gmname);
}

static int refuse_role(dsc_ctx_t *ctx, const io_layout_t *lay, coord_role role,
                       const char *dimname)
{
    if (role == ROLE_ROTATED)
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "%s: %s: dimension '%s' is a rotated-pole axis; rotated-pole grids "
                         "are not supported, regrid to latitude/longitude first",
                         lay->path, lay->var, dimname);
    return dsc_error(ctx, DSC_ERR_FORMAT,
                     "%s: %s: dimension '%s' is a projection axis; only latitude/longitude "
                     "grids are supported", lay->path, lay->var, dimname);
}

/* time_var_of_dim's answer for a time dimension that has no coordinate variable. */
#define TIME_WITHOUT_COORD (-2)

/* The time coordinate variable of a dimension, or -1 when it is not a time axis. An explicit
 * time_name wins over the rules, and then no other dimension is time. */
static int time_var_of_dim(const io_layout_t *lay, const dsc_read_opts_t *opts, int dimid)
{
    int tv;
    if (opts && opts->time_name)
        return nc_inq_varid(lay->ncid, opts->time_name, &tv) == NC_NOERR &&
                       has_shape(lay->ncid, tv, dimid)
                   ? tv
                   : -1;
    char dimname[NC_MAX_NAME + 1];
    nc_inq_dimname(lay->ncid, dimid, dimname);
    int cv = coord_var_of_dim(lay->ncid, dimid);
    if (cv >= 0 && role_of(lay->ncid, cv) == ROLE_TIME)
        return cv;
    /* A dimension named time without a coordinate variable is time all the same; the caller
     * reports the missing coordinate. */
    if (cv < 0 && strcasecmp(dimname, "time") == 0)
        return TIME_WITHOUT_COORD;
    return -1;
}

/* Classifies one dimension of the variable; sets the layout's positions. */
static int classify_dim(dsc_ctx_t *ctx, io_layout_t *lay, const dsc_read_opts_t *opts,
                        int pos, int dimid, int *site_pos)
{
    char dimname[NC_MAX_NAME + 1];
    nc_inq_dimname(lay->ncid, dimid, dimname);
    int cv = coord_var_of_dim(lay->ncid, dimid);
    coord_role role = cv >= 0 ? role_of(lay->ncid, cv) : ROLE_NONE;
    int tv = time_var_of_dim(lay, opts, dimid);
    if (tv != -1 && lay->time_pos < 0) {
        lay->time_pos = pos;
        lay->time_varid = tv == TIME_WITHOUT_COORD ? -1 : tv;
        return DSC_OK;
    }
    if (role == ROLE_TIME && opts && opts->time_name)
        role = ROLE_NONE;

    if (role == ROLE_ROTATED || role == ROLE_PROJECTED)
        return refuse_role(ctx, lay, role, dimname);
    if (role == ROLE_LAT && lay->a_pos < 0) {
        lay->a_pos = pos;
        lay->lat_varid = cv;
        return DSC_OK;
    }
    if (role == ROLE_LON && lay->b_pos < 0) {
        lay->b_pos = pos;
        lay->lon_varid = cv;
        return DSC_OK;
    }
    if (opts && opts->select_dim && strcmp(opts->select_dim, dimname) == 0) {
        if (opts->select_index >= lay->dimlen[pos])
            return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s: index %zu of dimension '%s' is "
                             "past its length %zu", lay->path, lay->var, opts->select_index,
                             dimname, lay->dimlen[pos]);
        lay->fixed[pos] = opts->select_index;
        return DSC_OK;
    }
    if (lay->dimlen[pos] == 1 && role == ROLE_NONE)
        return DSC_OK; /* height, zlev, ...: index 0 */

    /* A site dimension: latitude and longitude are both 1-D over it. */
    if (role == ROLE_NONE && *site_pos < 0) {
        int la = find_aux_coord(lay->ncid, lay->varid, dimid, ROLE_LAT);
        int lo = find_aux_coord(lay->ncid, lay->varid, dimid, ROLE_LON);
        if (la >= 0 && lo >= 0) {
            *site_pos = pos;
            lay->lat_varid = la;
            lay->lon_varid = lo;
            return DSC_OK;
        }
    }
    return dsc_error(ctx, DSC_ERR_FORMAT,
                     "%s: %s: dimension '%s' (length %zu) is not time, latitude, longitude, "
                     "a station index or of length one; pick one index with select_dim",
                     lay->path, lay->var, dimname, lay->dimlen[pos]);
}

/* Site names: a string variable over the site dimension, named like it or with
 * cf_role = timeseries_id. */
static int find_name_var(const io_layout_t *lay, int site_dimid)
{
    int nvars;
    if (nc_inq_nvars(lay->ncid, &nvars) != NC_NOERR)
        return -1;
    char dimname[NC_MAX_NAME + 1];
    nc_inq_dimname(lay->ncid, site_dimid, dimname);
    int best = -1;
    for (int v = 0; v < nvars; v++) {
        nc_type type;
        int nd, dimids[2];
        char name[NC_MAX_NAME + 1], role[64] = "";
        if (nc_inq_var(lay->ncid, v, name, &type, &nd, NULL, NULL) != NC_NOERR || nd > 2 ||
            nd < 1)
            continue;
        nc_inq_vardimid(lay->ncid, v, dimids);
        if (dimids[0] != site_dimid)
            continue;
        if (!((type == NC_STRING && nd == 1) || (type == NC_CHAR && nd == 2)))
            continue;
        io_att_text(lay->ncid, v, "cf_role", role, sizeof role);
        if (strcmp(role, "timeseries_id") == 0)
            return v;
        if (strcmp(name, dimname) == 0 || best < 0)
            best = v;
    }
    return best;
}

int io_layout_find(dsc_ctx_t *ctx, int ncid, const char *path, const char *var,
                   const dsc_read_opts_t *opts, io_layout_t *lay)
{
    memset(lay, 0, sizeof *lay);
    lay->path = path;
    lay->var = var;
    lay->ncid = ncid;
    lay->time_pos = lay->a_pos = lay->b_pos = -1;
    lay->time_varid = lay->lat_varid = lay->lon_varid = lay->name_varid = -1;

    if (nc_inq_varid(ncid, var, &lay->varid) != NC_NOERR)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: no variable '%s'", path, var);
    nc_type type;
    int dimids[NC_MAX_VAR_DIMS];
    int status = nc_inq_var(ncid, lay->varid, NULL, &type, &lay->ndims, dimids, NULL);
    if (status != NC_NOERR)
        return io_nc_error(ctx, status, path, var);
    if (lay->ndims > IO_MAX_DIMS)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s has %d dimensions, too many", path, var,
                         lay->ndims);
    if (type == NC_CHAR || type == NC_STRING || type >= NC_FIRSTUSERTYPEID)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s is not numeric", path, var);
    if (check_grid_mapping(ctx, lay))
        return dsc_ctx_status(ctx);

    int site_pos = -1, has_time = 0;
    for (int i = 0; i < lay->ndims; i++) {
        nc_inq_dimlen(ncid, dimids[i], &lay->dimlen[i]);
        lay->fixed[i] = 0;
        has_time |= time_var_of_dim(lay, opts, dimids[i]) != -1;
    }
    if (!has_time)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s has no time dimension%s", path, var,
                         opts && opts->time_name ? " (time_name is not one of its dimensions)"
                                                 : "");
    for (int i = 0; i < lay->ndims; i++)
        if (classify_dim(ctx, lay, opts, i, dimids[i], &site_pos))
            return dsc_ctx_status(ctx);

    if (lay->time_varid < 0)
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "%s: %s: the time dimension has no coordinate variable", path, var);

    if (lay->a_pos >= 0 && lay->b_pos >= 0) {
        if (site_pos >= 0)
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s has both a grid and a site "
                             "dimension", path, var);
        lay->kind = IO_LAYOUT_GRID;
    } else if (lay->a_pos >= 0 || lay->b_pos >= 0) {
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s has a %s dimension but no %s dimension",
                         path, var, lay->a_pos >= 0 ? "latitude" : "longitude",
                         lay->a_pos >= 0 ? "longitude" : "latitude");
    } else if (site_pos >= 0) {
        lay->kind = IO_LAYOUT_SITES;
        lay->a_pos = site_pos;
        lay->name_varid = find_name_var(lay, dimids[site_pos]);
    } else {
        lay->kind = IO_LAYOUT_SINGLE;
        lay->lat_varid = find_aux_coord(ncid, lay->varid, -1, ROLE_LAT);
        lay->lon_varid = find_aux_coord(ncid, lay->varid, -1, ROLE_LON);
    }
    return DSC_OK;
}

int io_read_coord(dsc_ctx_t *ctx, const io_layout_t *lay, int varid, size_t n, double **out)
{
    char name[NC_MAX_NAME + 1] = "";
    nc_inq_varname(lay->ncid, varid, name);
    double *v = dsc_malloc(ctx, (n ? n : 1) * sizeof *v, "coordinate values");
    if (!v)
        return DSC_ERR_NOMEM;
    int status = nc_get_var_double(lay->ncid, varid, v);
    if (status != NC_NOERR) {
        free(v);
        return io_nc_error(ctx, status, lay->path, name);
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || v[i] > 1e30 || v[i] < -1e30) {
            free(v);
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: coordinate %s has a missing or "
                             "non-finite value at index %zu", lay->path, name, i);
        }
    }
    *out = v;
    return DSC_OK;
}

void io_free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int io_read_site_names(dsc_ctx_t *ctx, const io_layout_t *lay, size_t n, char ***names)
{
    *names = NULL;
    if (lay->name_varid < 0)
        return DSC_OK;
    nc_type type;
    int dimids[2];
    nc_inq_vartype(lay->ncid, lay->name_varid, &type);
    nc_inq_vardimid(lay->ncid, lay->name_varid, dimids);

    char **out = dsc_calloc(ctx, n ? n : 1, sizeof *out, "site names");
    char **strs = NULL;
    int strs_loaded = 0;
    char *chars = NULL;
    size_t width = 0;
    int status;
    if (!out)
        return DSC_ERR_NOMEM;
    if (type == NC_STRING) {
        strs = dsc_calloc(ctx, n ? n : 1, sizeof *strs, "site names");
        if (!strs)
            goto fail;
        status = nc_get_var_string(lay->ncid, lay->name_varid, strs);
        if (status != NC_NOERR) {
            io_nc_error(ctx, status, lay->path, "site names");
            goto fail;
        }
        strs_loaded = 1;
        for (size_t i = 0; i < n; i++)
            if (!(out[i] = dsc_strdup(ctx, strs[i] ? strs[i] : "")))
                goto fail;
        nc_free_string(n, strs);
        free(strs);
    } else {
        nc_inq_dimlen(lay->ncid, dimids[1], &width);
        chars = dsc_malloc(ctx, n * width + 1, "site names");
        if (!chars)
            goto fail;
        status = nc_get_var_text(lay->ncid, lay->name_varid, chars);
        if (status != NC_NOERR) {
            io_nc_error(ctx, status, lay->path, "site names");
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            size_t len = strnlen(chars + i * width, width);
            while (len > 0 && chars[i * width + len - 1] == ' ')
                len--;
            out[i] = dsc_malloc(ctx, len + 1, "site name");
            if (!out[i])
                goto fail;
            memcpy(out[i], chars + i * width, len);
            out[i][len] = '\0';
        }
        free(chars);
    }
    *names = out;
    return DSC_OK;
fail:
    if (strs_loaded)
        nc_free_string(n, strs);
    free(strs);
    free(chars);
    io_free_names(out, n);
    return dsc_ctx_status(ctx);
}
