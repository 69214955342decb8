#!/usr/bin/env bash
# bench/list_tables.sh TABLES N < slugs: N statements, one a line, each the storefront's product
# list (first page of 20, by name; src/catalog/product_repository.cpp) of a store drawn at random
# from the slugs on stdin, reading TABLES of its tables:
#   5  as the application sent it before the product row carried its images: products,
#      product_images, product_categories, categories and catalog_stats;
#   4  as the application sends it: the images from products.image_urls
#      (sql/tenant/0005_product_image_urls.sql);
#   3  without the counter too (catalog_stats);
#   1  products alone.
# SQL_NO_CACHE: the statement reaches the tables whatever the query cache holds.
set -euo pipefail
tables=${1:-}
n=${2:-}
[[ $tables =~ ^(5|4|3|1)$ && $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: list_tables.sh 5|4|3|1 N < slugs" >&2; exit 2; }
awk -v tables="$tables" -v n="$n" '
  /^[a-z0-9-]+$/ { slugs[count++] = $0 }
  END {
    if (count == 0) { print "list_tables.sh: no slugs on stdin" > "/dev/stderr"; exit 1 }
    srand()
    for (k = 0; k < n; k++) {
      s = "ecom_tenant_" slugs[int(rand() * count)]
      gsub(/-/, "_", s)
      if (length(s) > 63) { print "list_tables.sh: " slugs[k] ": a slug this long has a hashed schema name" > "/dev/stderr"; exit 1 }
      q = "SELECT SQL_NO_CACHE p.id, p.name, p.description, p.price, p.discount, p.final_price, p.stock, " \
          "p.is_active, p.attributes"
      if (tables == 4 || tables == 3)
        q = q ", p.image_urls"
      if (tables >= 3)
        q = q ", (SELECT JSON_ARRAYAGG(JSON_OBJECT(\x27id\x27, c.id, \x27name\x27, c.name) ORDER BY c.name, c.id) " \
            "FROM " s ".product_categories pc JOIN " s ".categories c ON c.id = pc.category_id AND c.is_active = 1 " \
            "WHERE pc.product_id = p.id)"
      if (tables == 5)
        q = q ", (SELECT JSON_ARRAYAGG(i.url ORDER BY i.position) FROM " s ".product_images i WHERE i.product_id = p.id)"
      if (tables >= 4)
        q = q ", (SELECT st.active_products FROM " s ".catalog_stats st WHERE st.id = 1)"
      print q " FROM " s ".products p WHERE p.is_active = 1 ORDER BY p.name, p.id LIMIT 20 OFFSET 0;"
    }
  }'
