-- AlterTable
ALTER TABLE "TeacherToken" ADD COLUMN     "domain" TEXT,
ADD COLUMN     "email" TEXT;

