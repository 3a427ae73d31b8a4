/* libical's own checks of an iCalendar file: its parser and its iTIP restrictions (RFC 5546,
 * by the file's METHOD). Prints each X-LIC-ERROR libical attaches; exits 1 when there is one.
 * Build: cc itip_check.c $(pkg-config --cflags --libs libical) -o itip_check */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

static int report(icalcomponent *component)
{
    int errors = 0;
    icalproperty *error;
    icalcomponent *child;

    for (error = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY); error;
         error = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        printf("%s: %s\n", icalcomponent_kind_to_string(icalcomponent_isa(component)),
               icalproperty_get_xlicerror(error));
        errors++;
    }
    for (child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT); child;
         child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        errors += report(child);
    }
    return errors;
}

int main(int argc, char **argv)
{
    FILE *file;
    long size;
    char *text;
    icalcomponent *root;
    int valid, errors;

    if (argc != 2 || !(file = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: itip_check FILE.ics\n");
        return 2;
    }
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    rewind(file);
    text = calloc(size + 1, 1);
    if (fread(text, 1, size, file) != (size_t)size) {
        return 2;
    }
    fclose(file);
    root = icalparser_parse_string(text);
    if (!root) {
        printf("libical could not parse the file\n");
        return 1;
    }
    valid = icalrestriction_check(root);
    errors = report(root);
    icalcomponent_free(root);
    free(text);
    return (valid && !errors) ? 0 : 1;
}
